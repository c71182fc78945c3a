//===- Analysis.cpp - the rules, over facts -------------------------------===//
#include "Analysis.h"
#include "Channels.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <optional>
#include <regex>
#include <tuple>

namespace blockwatch {

bool Finding::operator<(const Finding &O) const {
  return std::tie(At, Rule, Message) < std::tie(O.At, O.Rule, O.Message);
}

std::string displayName(const std::string &Q) {
  return Q.compare(0, 2, "::") == 0 ? Q.substr(2) : Q;
}

void Program::add(const TuFacts &TU) {
  Orders.insert(Orders.end(), TU.Orders.begin(), TU.Orders.end());
  for (const auto &F : TU.Functions) {
    auto [It, New] = Fns.emplace(F.Usr, F);
    // A function defined in a header appears in every TU that includes it;
    // its facts are the same everywhere, so the first body wins.
    if (!New && !It->second.HasBody && F.HasBody)
      It->second = F;
  }
}

void Program::add(TuFacts &&TU) {
  Orders.insert(Orders.end(), TU.Orders.begin(), TU.Orders.end());
  for (auto &F : TU.Functions) {
    auto It = Fns.find(F.Usr);
    if (It == Fns.end())
      Fns.emplace(F.Usr, std::move(F));
    else if (!It->second.HasBody && F.HasBody)
      It->second = std::move(F);
  }
}

namespace {

std::string where(const SourceLoc &L) {
  std::string File = L.File;
  size_t Slash = File.rfind('/');
  if (Slash != std::string::npos)
    File = File.substr(Slash + 1);
  return File + ":" + std::to_string(L.Line);
}

const char *kindPhrase(const std::string &Kind) {
  static const std::map<std::string, const char *> Phrases = {
      {"sleep", "sleeps"},
      {"socket-io", "waits on socket I/O"},
      {"file-io", "waits on file I/O"},
      {"dns", "waits on a DNS lookup"},
      {"lock-wait", "waits for a lock"},
      {"condition-wait", "waits on a condition variable"},
      {"join", "waits for a thread to finish"},
      {"future-wait", "waits for a future"},
      {"process", "waits for a process"},
      {"sync-rpc", "waits on a synchronous request"},
      {"io-wait", "waits for I/O readiness"},
      {"ipc", "waits on inter-process communication"}};
  auto It = Phrases.find(Kind);
  return It == Phrases.end() ? "blocks" : It->second;
}

Finding makeFinding(const char *Rule, const SourceLoc &At, std::string Message,
                    const std::string &Function) {
  Finding F;
  F.Rule = Rule;
  F.At = At;
  F.Message = std::move(Message);
  F.Function = Function;
  return F;
}

/// One step of a call chain: "'caller' calls 'callee'" at the call.
Note callNote(const FunctionFact &Caller, const CallFact &C) {
  return {C.At, "'" + displayName(Caller.Name) + "' calls '" +
                    displayName(C.CalleeName) + "'"};
}

bool isCoroutine(const FunctionFact *F) {
  return F && F->EntryReason == "the coroutine";
}

/// A blocking event in one function: a blocking API call or, where lock
/// waits count, an acquisition of a thread-blocking mutex.
struct Site {
  SourceLoc At;
  std::string Api;
  std::string Kind;
  std::string Alternative;
  const BlockingFact *Fact = nullptr; ///< Null for acquisitions.
};

/// Call graph view over the merged facts, with deterministic iteration.
class Graph {
public:
  explicit Graph(const Program &P) : P(P) {
    for (const auto &[Usr, F] : P.functions())
      for (size_t I = 0; I < F.Calls.size(); ++I)
        Callers[F.Calls[I].Callee].push_back({&F, I});
  }
  const FunctionFact *fn(const std::string &Usr) const {
    auto It = P.functions().find(Usr);
    return It == P.functions().end() ? nullptr : &It->second;
  }
  const Program &P;
  std::map<std::string, std::vector<std::pair<const FunctionFact *, size_t>>>
      Callers;
};

/// Shortest path, for every function, to a site accepted by the predicate:
/// either a site in the function itself or a call to a function that has one.
struct MayBlock {
  struct Step {
    unsigned Dist = 0;
    int Call = -1; ///< Call index to follow, or -1 when the site is local.
    Site Local;
  };
  std::map<std::string, Step> Steps;

  MayBlock(const Graph &G,
           const std::function<std::vector<Site>(const FunctionFact &)> &Sites) {
    std::deque<std::string> Queue;
    for (const auto &[Usr, F] : G.P.functions()) {
      auto S = Sites(F);
      if (S.empty())
        continue;
      Steps[Usr] = Step{0, -1, S.front()};
      Queue.push_back(Usr);
    }
    while (!Queue.empty()) {
      std::string Usr = Queue.front();
      Queue.pop_front();
      unsigned D = Steps[Usr].Dist;
      auto It = G.Callers.find(Usr);
      if (It == G.Callers.end())
        continue;
      // Calling a coroutine only creates it; its body runs when awaited or
      // spawned, as its own entry.
      if (isCoroutine(G.fn(Usr)))
        continue;
      for (const auto &[Caller, CallIdx] : It->second) {
        if (Steps.count(Caller->Usr))
          continue;
        Steps[Caller->Usr] = Step{D + 1, static_cast<int>(CallIdx), Site()};
        Queue.push_back(Caller->Usr);
      }
    }
  }

  const Step *find(const std::string &Usr) const {
    auto It = Steps.find(Usr);
    return It == Steps.end() ? nullptr : &It->second;
  }

  /// Notes from \p Usr down to its blocking site; returns that site.
  Site chain(const Graph &G, std::string Usr, std::vector<Note> &Notes) const {
    // Each step lowers the distance, so the walk ends within Steps.size().
    for (size_t Guard = 0; Guard <= Steps.size(); ++Guard) {
      const Step *S = find(Usr);
      const FunctionFact *F = G.fn(Usr);
      if (!S || !F)
        break;
      if (S->Call < 0) {
        Notes.push_back({S->Local.At, "'" + displayName(S->Local.Api) + "' " +
                                          kindPhrase(S->Local.Kind) + " here"});
        return S->Local;
      }
      const CallFact &C = F->Calls[S->Call];
      Notes.push_back(callNote(*F, C));
      Usr = C.Callee;
    }
    return Site();
  }
};

std::vector<Site> apiSites(const FunctionFact &F, bool LockWaits) {
  std::vector<Site> Out;
  for (const auto &B : F.Blocking) {
    if (!LockWaits && !B.OnlyIn.empty())
      continue;
    Out.push_back({B.At, B.Api, B.Kind, B.Alternative, &B});
  }
  if (LockWaits)
    for (const auto &A : F.Acquires)
      if (A.BlocksThread && !A.Try)
        Out.push_back({A.At, A.Lock.Id, "lock-wait", "", nullptr});
  std::sort(Out.begin(), Out.end(),
            [](const Site &A, const Site &B) { return A.At < B.At; });
  return Out;
}

/// The lock a finding names: the most recent one held, except the one a
/// condition wait releases.
const HeldLock *namedLock(const std::vector<HeldLock> &Held,
                          const std::string &Released) {
  for (auto It = Held.rbegin(); It != Held.rend(); ++It)
    if (It->Id != Released)
      return &*It;
  return nullptr;
}

void blockingUnderLock(const Graph &G, std::vector<Finding> &Out) {
  const char *Rule = rules::BlockingUnderLock;
  MayBlock MB(G, [](const FunctionFact &F) { return apiSites(F, false); });
  for (const auto &[Usr, F] : G.P.functions()) {
    for (const auto &B : F.Blocking) {
      if (!B.OnlyIn.empty())
        continue;
      const HeldLock *L = namedLock(B.Held, B.ReleasesLock);
      if (!L)
        continue;
      Finding Fd = makeFinding(Rule, B.At,
                 "blocking call '" + displayName(B.Api) + "' while '" + L->Id +
                     "' is held",
                 F.Name);
      Fd.Notes.push_back({L->AcquiredAt, "'" + L->Id + "' acquired here"});
      if (!B.Alternative.empty())
        Fd.Notes.push_back({B.At, "non-blocking alternative: " + B.Alternative});
      Out.push_back(std::move(Fd));
    }
    for (const auto &C : F.Calls) {
      if (C.Held.empty())
        continue;
      const MayBlock::Step *S = MB.find(C.Callee);
      if (!S)
        continue;
      std::vector<Note> Chain;
      Site End = MB.chain(G, C.Callee, Chain);
      const HeldLock *L =
          namedLock(C.Held, End.Fact ? End.Fact->ReleasesLock : "");
      if (!L)
        continue;
      Finding Fd = makeFinding(Rule, C.At,
                 "call to '" + displayName(C.CalleeName) + "' may block in '" +
                     displayName(End.Api) + "' while '" + L->Id + "' is held",
                 F.Name);
      Fd.Notes.push_back({L->AcquiredAt, "'" + L->Id + "' acquired here"});
      Fd.Flow.push_back({C.At, "'" + displayName(F.Name) + "' calls '" +
                                   displayName(C.CalleeName) + "' with '" +
                                   L->Id + "' held"});
      for (auto &N : Chain) {
        Fd.Notes.push_back(N);
        Fd.Flow.push_back(N);
      }
      Out.push_back(std::move(Fd));
    }
    for (const auto &S : F.Suspends) {
      const HeldLock *L = namedLock(S.Held, "");
      if (!L)
        continue;
      Finding Fd = makeFinding(Rule, S.At,
                 "'" + S.What + "' while '" + L->Id +
                     "' is held: the coroutine may resume on another thread "
                     "and other tasks wait on the lock meanwhile",
                 F.Name);
      Fd.Notes.push_back({L->AcquiredAt, "'" + L->Id + "' acquired here"});
      Out.push_back(std::move(Fd));
    }
  }
}

struct Entry {
  std::string Target;
  std::string Context;
  SourceLoc At;
  std::string Description; ///< "the handler posted at server.cpp:40"
};

std::vector<Entry> entries(const Graph &G, const RuleSet &Rules,
                           const AnalysisOptions &Opts) {
  std::vector<Entry> Out;
  std::set<std::string> Seen;
  // A stackful coroutine spawned onto a thread pool is not loop code, even
  // though its yield_context parameter says "coroutine".
  std::set<std::string> HandedOff;
  for (const auto &[Usr, F] : G.P.functions())
    for (const auto &S : F.Spawns)
      if (S.Context.empty())
        HandedOff.insert(S.Target);
  for (const auto &[Usr, F] : G.P.functions()) {
    bool OnPool =
        F.EntryReason == "the stackful coroutine" && HandedOff.count(Usr);
    if (!F.EntryContext.empty() && !OnPool &&
        (F.EntryContext != "coroutine" || Opts.UnknownCoroutinesOnLoop) &&
        Seen.insert(Usr + "\n" + F.EntryContext).second)
      Out.push_back({Usr, F.EntryContext, F.At,
                     F.EntryReason + " '" + displayName(F.Name) + "' at " +
                         where(F.At)});
    for (const auto &S : F.Spawns)
      // A coroutine spawned onto the loop is one entry, not two.
      if (!S.Context.empty() && !(G.fn(S.Target) &&
                                  G.fn(S.Target)->EntryContext == S.Context))
        Out.push_back(
            {S.Target, S.Context, S.At,
             (Rules.context(S.Context).Entry.empty()
                  ? "the callable passed to '" + displayName(S.Via) + "'"
                  : Rules.context(S.Context).Entry) +
                 " at " + where(S.At)});
  }
  return Out;
}

/// Where each lock is held across something that blocks: directly, through
/// a call, or across a suspension. A loop thread waiting for such a lock
/// waits for that blocking work.
std::map<std::string, Note> heldAcrossBlocking(const Graph &G) {
  std::map<std::string, Note> Out;
  MayBlock MB(G, [](const FunctionFact &F) { return apiSites(F, false); });
  for (const auto &[Usr, F] : G.P.functions()) {
    for (const auto &B : F.Blocking)
      if (B.OnlyIn.empty())
        for (const auto &H : B.Held)
          if (H.Id != B.ReleasesLock)
            Out.emplace(H.Id, Note{B.At, "'" + H.Id + "' is held across '" +
                                             displayName(B.Api) + "' here"});
    for (const auto &C : F.Calls)
      if (!C.Held.empty() && MB.find(C.Callee))
        for (const auto &H : C.Held)
          Out.emplace(H.Id, Note{C.At, "'" + H.Id + "' is held across a "
                                                    "call that may block here"});
    for (const auto &S : F.Suspends)
      for (const auto &H : S.Held)
        Out.emplace(H.Id, Note{S.At, "'" + H.Id + "' is held across '" +
                                         S.What + "' here"});
  }
  return Out;
}

/// Breadth-first from an entry along calls. Spawns are not calls, so a
/// handoff to another thread ends the context; a coroutine called from here
/// is its own entry; a foreign API's body (a trampoline) is not followed.
/// \p Visit gets each function reached and the chain of calls to it.
template <typename VisitFn>
void walkFromEntry(const Graph &G, const Entry &E, VisitFn Visit) {
  std::map<std::string, std::pair<std::string, size_t>> Parent;
  std::deque<std::string> Queue{E.Target};
  Parent[E.Target] = {"", 0};
  auto Chain = [&](const std::string &Usr) {
    std::vector<Note> Steps;
    for (std::string Cur = Usr; !Parent[Cur].first.empty();
         Cur = Parent[Cur].first) {
      const FunctionFact *Caller = G.fn(Parent[Cur].first);
      const CallFact &C = Caller->Calls[Parent[Cur].second];
      Steps.push_back(callNote(*Caller, C));
    }
    std::reverse(Steps.begin(), Steps.end());
    return Steps;
  };
  while (!Queue.empty()) {
    std::string Usr = Queue.front();
    Queue.pop_front();
    const FunctionFact *F = G.fn(Usr);
    if (!F)
      continue;
    Visit(Usr, *F, Chain);
    for (size_t I = 0; I < F->Calls.size(); ++I) {
      const std::string &Callee = F->Calls[I].Callee;
      const FunctionFact *CF = G.fn(Callee);
      if (Parent.count(Callee) || isCoroutine(CF) || (CF && CF->ForeignApi))
        continue;
      Parent[Callee] = {Usr, I};
      Queue.push_back(Callee);
    }
  }
}

/// Evidence of a loop finding: where the context starts, the calls down to
/// the site, and the site itself.
void addLoopEvidence(Finding &Fd, const Entry &E, std::vector<Note> Steps,
                     const SourceLoc &At, const std::string &What) {
  Fd.Flow.push_back({E.At, "loop context starts here: " + E.Description});
  Fd.Notes.push_back({E.At, "loop context starts here"});
  for (auto &N : Steps) {
    Fd.Notes.push_back(N);
    Fd.Flow.push_back(N);
  }
  Fd.Flow.push_back({At, What});
}

void blockingOnEventLoop(const Graph &G, const RuleSet &Rules,
                         const AnalysisOptions &Opts,
                         std::vector<Finding> &Out) {
  const char *Rule = rules::BlockingOnEventLoop;
  std::map<std::string, Note> LongHeld = heldAcrossBlocking(G);
  for (const Entry &E : entries(G, Rules, Opts)) {
    const ContextInfo &CI = Rules.context(E.Context);
    std::set<std::pair<SourceLoc, std::string>> Reported;
    walkFromEntry(G, E, [&](const std::string &Usr, const FunctionFact &F,
                            auto &Chain) {
      for (const Site &S : apiSites(F, true)) {
        if (S.Fact && !S.Fact->OnlyIn.empty() &&
            std::find(S.Fact->OnlyIn.begin(), S.Fact->OnlyIn.end(),
                      E.Context) == S.Fact->OnlyIn.end())
          continue;
        // Briefly held mutexes are the norm on loop threads; waiting for
        // one matters when its holder can block.
        auto Long = S.Fact ? LongHeld.end() : LongHeld.find(S.Api);
        if (!S.Fact && !CI.AllLockWaits && Long == LongHeld.end())
          continue;
        if (!Reported.insert({S.At, S.Api}).second)
          continue;
        std::string What = S.Fact ? "'" + displayName(S.Api) + "'"
                                  : "locking '" + S.Api + "'";
        Finding Fd = makeFinding(Rule, S.At,
                                 What + " blocks " + CI.Thread +
                                     "; this code runs in " + E.Description,
                                 F.Name);
        addLoopEvidence(Fd, E, Chain(Usr), S.At,
                        What + " " + kindPhrase(S.Kind) + " here");
        if (Long != LongHeld.end())
          Fd.Notes.push_back(Long->second);
        bool Fixed = false;
        if (S.Fact)
          for (const auto &CF : S.Fact->Fixes)
            if (CF.Context == E.Context && (!CF.Direct || Usr == E.Target)) {
              Fd.Fixes = CF.Edits;
              Fixed = true;
              break;
            }
        if (!Fixed && !S.Alternative.empty())
          Fd.Notes.push_back({S.At, "use " + S.Alternative + " instead"});
        else if (!Fixed)
          Fd.Notes.push_back({S.At, CI.Handoff});
        Out.push_back(std::move(Fd));
      }
    });
  }
}

/// Is a call to \p F a call into code nobody here can see?
bool isForeign(const FunctionFact *F, const AnalysisOptions &Opts) {
  if (!F)
    return false;
  if (F->ForeignApi)
    return true;
  if (F->HasBody || !F->ExternC)
    return false;
  if (F->InSystemHeader && !Opts.StrictForeign)
    return false;
  if (Opts.ForeignHeaders) {
    if (!std::regex_search(F->At.File, *Opts.ForeignHeaders))
      return false;
  }
  return true;
}

void foreignCallWithoutHandoff(const Graph &G, const RuleSet &Rules,
                               const AnalysisOptions &Opts,
                               std::vector<Finding> &Out) {
  const char *Rule = rules::ForeignCallWithoutHandoff;
  for (const Entry &E : entries(G, Rules, Opts)) {
    const ContextInfo &CI = Rules.context(E.Context);
    std::set<SourceLoc> Reported;
    walkFromEntry(G, E, [&](const std::string &Usr, const FunctionFact &F,
                            auto &Chain) {
      for (const CallFact &C : F.Calls) {
        const FunctionFact *Callee = G.fn(C.Callee);
        if (!isForeign(Callee, Opts) || !Reported.insert(C.At).second)
          continue;
        std::string Name = displayName(C.CalleeName);
        Finding Fd = makeFinding(
            Rule, C.At,
            "foreign call '" + Name + "' runs on " + CI.Thread +
                " without a handoff: its code is not visible here, and if it "
                "blocks, every task on this thread stalls; this code runs in " +
                E.Description,
            F.Name);
        addLoopEvidence(Fd, E, Chain(Usr), C.At,
                        "'" + Name + "' is called here");
        if (Callee->At.valid() && !Callee->ForeignApi)
          Fd.Notes.push_back({Callee->At, "'" + Name +
                                              "' is declared here, with no "
                                              "definition in the program"});
        Fd.Notes.push_back({C.At, CI.Handoff});
        Out.push_back(std::move(Fd));
      }
    });
  }
}

/// A lock-order edge "From held, then To taken", with its evidence.
struct LockEdge {
  HeldLock From;  ///< Held, with where it was taken.
  SourceLoc To;   ///< Where the second lock is taken (or the call leading there).
  bool ToShared = false;
  std::string Function;
  std::vector<Note> Through; ///< Calls from the function to the acquisition.
  /// Adjacent RAII guards of one scope, rewritable as one scoped_lock.
  std::vector<FixFact> Fix;
};

/// What a function acquires, directly or through calls, with the first
/// witness of each lock.
struct Acq {
  SourceLoc At;
  bool Shared = false;
  int Call = -1; ///< -1: taken directly in the function.
  std::string Instance;
  int Param = -1;
};

class LockGraph {
public:
  explicit LockGraph(const Graph &G) : G(G) { summarize(); }

  /// Per-function acquisitions, transitive through calls. A mutex the
  /// callee receives as a parameter becomes the caller's argument.
  void summarize() {
    for (const auto &[Usr, F] : G.P.functions())
      for (const auto &A : F.Acquires)
        if (!A.Try)
          Acquires[Usr].emplace(key(A.Lock.Id, A.Lock.Param),
                                Acq{A.At, A.Lock.Shared, -1, A.Lock.Instance,
                                    A.Lock.Param});
    // Worklist: when a function's set grows, only its callers can change,
    // and each of them only by what the callee gained.
    std::deque<std::string> Work;
    std::set<std::string> Queued;
    for (const auto &[Usr, A] : Acquires) {
      Work.push_back(Usr);
      Queued.insert(Usr);
    }
    while (!Work.empty()) {
      std::string Callee = Work.front();
      Work.pop_front();
      Queued.erase(Callee);
      auto Callers = G.Callers.find(Callee);
      auto Mine = Acquires.find(Callee);
      if (Callers == G.Callers.end() || Mine == Acquires.end())
        continue;
      for (const auto &[Caller, CallIdx] : Callers->second) {
        if (Caller->Usr == Callee)
          continue;
        const CallFact &C = Caller->Calls[CallIdx];
        auto &Into = Acquires[Caller->Usr];
        bool Grew = false;
        for (const auto &[K, A] : Mine->second) {
          auto Mapped = mapToCaller(C, K, A);
          if (!Mapped)
            continue;
          Grew |= Into.emplace(Mapped->first,
                               Acq{C.At, A.Shared, static_cast<int>(CallIdx),
                                   Mapped->second, -1})
                      .second;
        }
        if (Grew && Queued.insert(Caller->Usr).second)
          Work.push_back(Caller->Usr);
      }
    }
  }

  static std::string key(const std::string &Id, int Param) {
    return Param >= 0 ? "\x01" + std::to_string(Param) : Id;
  }

  /// The lock id and instance a callee's acquisition has in the caller.
  static std::optional<std::pair<std::string, std::string>>
  mapToCaller(const CallFact &C, const std::string &Key, const Acq &A) {
    if (A.Param >= 0) {
      for (const ArgLock &L : C.ArgLocks)
        if (L.Index == A.Param)
          return std::make_pair(L.Id, L.Instance);
      return std::nullopt;
    }
    std::string Inst = A.Instance;
    if (Inst == "this")
      Inst = C.ThisCall ? "this" : "?";
    else if (!Inst.empty())
      Inst = "?";
    return std::make_pair(Key, Inst);
  }

  /// Notes from a call in \p Usr down to where lock \p K is taken.
  std::vector<Note> throughCalls(std::string Usr, std::string K) {
    std::vector<Note> Notes;
    for (unsigned Guard = 0; Guard < 1000; ++Guard) {
      const FunctionFact *F = G.fn(Usr);
      auto It = Acquires[Usr].find(K);
      if (!F || It == Acquires[Usr].end())
        break;
      const Acq &A = It->second;
      if (A.Call < 0) {
        Notes.push_back({A.At, "'" + displayLock(K) + "' acquired here"});
        break;
      }
      const CallFact &C = F->Calls[A.Call];
      Notes.push_back(callNote(*F, C));
      // Follow the callee's key: the parameter it was passed in, if any.
      auto Callee = Acquires.find(C.Callee);
      std::string Next = K;
      if (Callee != Acquires.end() && !Callee->second.count(K))
        for (const auto &[CK, CA] : Callee->second)
          if (CA.Param >= 0)
            for (const ArgLock &L : C.ArgLocks)
              if (L.Index == CA.Param && L.Id == K)
                Next = CK;
      K = Next;
      Usr = C.Callee;
    }
    return Notes;
  }

  std::string displayLock(const std::string &K) {
    return K.empty() || K[0] != '\x01' ? K : "parameter " + K.substr(1);
  }

  const Graph &G;
  std::map<std::string, std::map<std::string, Acq>> Acquires;
};

bool sameInstance(const std::string &A, const std::string &B) {
  return A == B && A != "?" && A != "param";
}

/// The graph lockOrderInversion built, for --lock-graph.
struct LockGraphPicture {
  std::set<std::pair<std::string, std::string>> Edges, CycleEdges;
};

void lockOrderInversion(const Graph &G, std::vector<Finding> &Out,
                        LockGraphPicture *Picture = nullptr) {
  const char *Rule = rules::LockOrderInversion;
  LockGraph LG(G);

  // Every witness per edge, keyed by the modes, so a cycle can be checked
  // with the most conflicting combination.
  std::map<std::string, std::map<std::string, std::map<int, LockEdge>>> Edges;
  auto AddEdge = [&](const HeldLock &From, const std::string &To,
                     LockEdge E) {
    int Modes = E.From.Shared * 2 + E.ToShared;
    Edges[From.Id][To].emplace(Modes, std::move(E));
  };
  auto SelfDeadlock = [&](const FunctionFact &F, const SourceLoc &At,
                          const HeldLock &H, const std::string &Msg,
                          std::vector<Note> Through) {
    Finding Fd = makeFinding(Rule, At, Msg, F.Name);
    Fd.Notes.push_back({H.AcquiredAt, "'" + H.Id + "' first acquired here"});
    Fd.Notes.insert(Fd.Notes.end(), Through.begin(), Through.end());
    Out.push_back(std::move(Fd));
  };

  for (const auto &[Usr, F] : G.P.functions()) {
    for (const auto &A : F.Acquires) {
      if (A.Try || A.Lock.Param >= 0)
        continue;
      for (const auto &H : A.Held) {
        if (H.Param >= 0)
          continue;
        if (H.Id == A.Lock.Id) {
          // Two objects of one class (transfer(from, to)) are not one lock;
          // without knowing the instances, say nothing.
          if (!H.Recursive && !(H.Shared && A.Lock.Shared) &&
              sameInstance(H.Instance, A.Lock.Instance))
            SelfDeadlock(F, A.At, H,
                         "'" + A.Lock.Id +
                             "' is acquired while already held: a "
                             "non-recursive mutex deadlocks on itself",
                         {});
          continue;
        }
        AddEdge(H, A.Lock.Id,
                LockEdge{H, A.At, A.Lock.Shared, F.Name,
                         {{A.At, "'" + A.Lock.Id + "' acquired here"}},
                         A.MergeWith == H.Id ? A.MergeFix
                                             : std::vector<FixFact>()});
      }
    }
    for (const auto &C : F.Calls) {
      if (C.Held.empty())
        continue;
      auto It = LG.Acquires.find(C.Callee);
      if (It == LG.Acquires.end())
        continue;
      for (const auto &H : C.Held) {
        if (H.Param >= 0)
          continue;
        for (const auto &[K, A] : It->second) {
          auto Mapped = LockGraph::mapToCaller(C, K, A);
          if (!Mapped)
            continue;
          const std::string &Id = Mapped->first;
          std::vector<Note> Through{callNote(F, C)};
          auto Rest = LG.throughCalls(C.Callee, K);
          Through.insert(Through.end(), Rest.begin(), Rest.end());
          if (Id == H.Id) {
            if (!H.Recursive && !(H.Shared && A.Shared) &&
                sameInstance(H.Instance, Mapped->second))
              SelfDeadlock(F, C.At, H,
                           "call to '" + displayName(C.CalleeName) +
                               "' acquires '" + Id +
                               "', which is already held: a non-recursive "
                               "mutex deadlocks on itself",
                           Through);
            continue;
          }
          AddEdge(H, Id, LockEdge{H, C.At, A.Shared, F.Name, Through, {}});
        }
      }
    }
  }

  // Orders the source declares (ACQUIRED_BEFORE) are edges too: code that
  // takes the locks the other way round inverts them.
  for (const DeclaredOrder &O : G.P.orders()) {
    HeldLock First;
    First.Id = O.First;
    First.AcquiredAt = O.At;
    AddEdge(First, O.Second,
            LockEdge{First, O.At, false, "(declared order)",
                     {{O.At, "declared: '" + O.First + "' is acquired before '" +
                                 O.Second + "'"}},
                     {}});
  }
  if (Picture)
    for (const auto &[From, Tos] : Edges)
      for (const auto &[To, W] : Tos)
        Picture->Edges.insert({From, To});

  // Strongly connected components (Tarjan) bound the search for cycles.
  std::map<std::string, int> Index, Low;
  std::set<std::string> OnStack;
  std::vector<std::string> Stack;
  std::vector<std::set<std::string>> Sccs;
  int Counter = 0;
  std::function<void(const std::string &)> Connect = [&](const std::string &V) {
    Index[V] = Low[V] = Counter++;
    Stack.push_back(V);
    OnStack.insert(V);
    for (const auto &[W, Witnesses] : Edges[V]) {
      if (!Index.count(W)) {
        Connect(W);
        Low[V] = std::min(Low[V], Low[W]);
      } else if (OnStack.count(W)) {
        Low[V] = std::min(Low[V], Index[W]);
      }
    }
    if (Low[V] == Index[V]) {
      std::set<std::string> Scc;
      std::string W;
      do {
        W = Stack.back();
        Stack.pop_back();
        OnStack.erase(W);
        Scc.insert(W);
      } while (W != V);
      if (Scc.size() > 1)
        Sccs.push_back(Scc);
    }
  };
  std::set<std::string> Nodes;
  for (const auto &[From, Tos] : Edges) {
    Nodes.insert(From);
    for (const auto &[To, W] : Tos)
      Nodes.insert(To);
  }
  for (const auto &N : Nodes)
    if (!Index.count(N))
      Connect(N);

  std::set<std::vector<std::string>> Seen;
  for (const auto &Scc : Sccs) {
    // Each edge of the component closes its shortest cycle; distinct cycles
    // are reported once each.
    unsigned Budget = 200;
    for (const auto &U : Scc)
      for (const auto &[V, Witnesses] : Edges[U]) {
        if (!Scc.count(V) || Budget == 0)
          continue;
        --Budget;
        std::map<std::string, std::string> Prev;
        std::deque<std::string> Queue{V};
        Prev[V] = "";
        while (!Queue.empty() && !Prev.count(U)) {
          std::string X = Queue.front();
          Queue.pop_front();
          for (const auto &[Y, W] : Edges[X])
            if (Scc.count(Y) && !Prev.count(Y)) {
              Prev[Y] = X;
              Queue.push_back(Y);
            }
        }
        if (!Prev.count(U))
          continue;
        std::vector<std::string> Cycle;
        for (std::string C = U; !C.empty(); C = Prev[C])
          Cycle.push_back(C);
        std::reverse(Cycle.begin(), Cycle.end()); // V ... U
        // Canonical rotation: start at the smallest lock.
        auto Min = std::min_element(Cycle.begin(), Cycle.end());
        std::rotate(Cycle.begin(), Min, Cycle.end());
        if (!Seen.insert(Cycle).second)
          continue;
        size_t K = Cycle.size();
        // Pick a witness per edge so that every wait conflicts with the
        // next holder's mode; readers do not block readers.
        std::vector<const LockEdge *> Pick(K);
        std::function<bool(size_t)> Choose = [&](size_t I) -> bool {
          if (I == K) {
            for (size_t J = 0; J < K; ++J)
              if (Pick[J]->ToShared && Pick[(J + 1) % K]->From.Shared)
                return false;
            return true;
          }
          for (const auto &[Modes, E] :
               Edges[Cycle[I]][Cycle[(I + 1) % K]]) {
            Pick[I] = &E;
            if (Choose(I + 1))
              return true;
          }
          return false;
        };
        if (K > 6 || !Choose(0))
          continue;
        if (Picture)
          for (size_t J = 0; J < K; ++J)
            Picture->CycleEdges.insert({Cycle[J], Cycle[(J + 1) % K]});
        std::string Order;
        for (const auto &L : Cycle)
          Order += "'" + L + "' -> ";
        Order += "'" + Cycle.front() + "'";
        const LockEdge *Last = Pick.back();
        Finding Fd = makeFinding(
            Rule, Last->To,
            K == 2 ? "lock order inversion: '" + Cycle.front() +
                         "' is acquired while '" + Cycle.back() +
                         "' is held, but elsewhere '" + Cycle.back() +
                         "' is acquired while '" + Cycle.front() + "' is held"
                   : "lock order inversion: '" + Cycle.front() +
                         "' is acquired while '" + Cycle.back() +
                         "' is held, closing the cycle " + Order,
            Last->Function);
        for (const LockEdge *E : Pick) {
          Fd.Notes.push_back({E->From.AcquiredAt,
                              "'" + E->From.Id + "' held here (in '" +
                                  displayName(E->Function) + "')"});
          for (const auto &N : E->Through)
            Fd.Notes.push_back(N);
        }
        Fd.Fixes = Last->Fix;
        Out.push_back(std::move(Fd));
      }
  }
}

/// Parameters that get a deadline on every path through a function,
/// directly or by passing them to a function that sets one.
std::map<std::string, std::set<int>> deadlineParams(const Graph &G) {
  std::map<std::string, std::set<int>> Out;
  for (const auto &[Usr, F] : G.P.functions())
    Out[Usr].insert(F.DeadlineParams.begin(), F.DeadlineParams.end());
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const auto &[Usr, F] : G.P.functions())
      for (const auto &[P, Call] : F.DeadlineParamCalls) {
        auto It = Out.find(Call.first);
        if (It != Out.end() && It->second.count(Call.second) &&
            Out[Usr].insert(P).second)
          Changed = true;
      }
  }
  return Out;
}

std::string readAdvice(const std::string &Family, const std::string &Mode) {
  if (Family == "beast")
    return Mode == "sync"
               ? "Beast's stream timeouts apply to asynchronous operations "
                 "only: use the async form with expires_after, or a socket "
                 "receive timeout"
               : "call expires_after on the stream before the read";
  if (Family == "asio")
    return Mode == "sync"
               ? "a synchronous read can only be bounded by SO_RCVTIMEO on "
                 "the native handle; prefer the async form with a timer"
               : "arm a steady_timer that cancels the socket, or race the "
                 "read with a timer: co_await (read || timer.async_wait())";
  return "set SO_RCVTIMEO or poll with a timeout first";
}

void readWithoutDeadline(const Graph &G, const AnalysisOptions &Opts,
                         std::vector<Finding> &Out) {
  const char *Rule = rules::ReadWithoutDeadline;
  auto Deadlines = deadlineParams(G);
  auto SetsDeadline = [&](const std::string &Usr, int Arg) {
    auto It = Deadlines.find(Usr);
    return It != Deadlines.end() && It->second.count(Arg);
  };
  // Callers that pass an unbounded socket as parameter I of a function,
  // found transitively through callers that pass their own parameter on.
  std::map<std::pair<std::string, int>, std::vector<Note>> Provenance;
  std::function<bool(const std::string &, int, unsigned, std::vector<Note> &)>
      FromSocket = [&](const std::string &Usr, int Param, unsigned Depth,
                       std::vector<Note> &Why) -> bool {
    if (Depth > 8)
      return false;
    auto It = G.Callers.find(Usr);
    if (It == G.Callers.end())
      return false;
    for (const auto &[Caller, CallIdx] : It->second) {
      const CallFact &C = Caller->Calls[CallIdx];
      for (const FdArg &A : C.FdArgs) {
        bool ByHelper = false;
        for (const auto &[Callee, Arg] : A.ViaCalls)
          ByHelper |= SetsDeadline(Callee, Arg);
        if (A.Index != Param || A.Bounded || ByHelper)
          continue;
        std::vector<Note> Chain;
        bool Socket = A.KnownSocket ||
                      (A.Param >= 0 &&
                       FromSocket(Caller->Usr, A.Param, Depth + 1, Chain));
        if (!Socket)
          continue;
        Why = Chain;
        Why.push_back({C.At, "'" + displayName(Caller->Name) +
                                 "' passes a socket with no deadline to '" +
                                 displayName(C.CalleeName) + "'"});
        return true;
      }
    }
    return false;
  };

  std::set<std::string> Members;
  for (const auto &[Usr, F] : G.P.functions())
    Members.insert(F.DeadlineMembers.begin(), F.DeadlineMembers.end());
  auto MemberBounded = [&](const ReadFact &R) {
    if (R.Key.compare(0, 7, "member:") != 0)
      return false;
    bool Async = R.Mode == "async";
    if (Members.count(R.Key) || (Async && Members.count(R.Key + "#async")))
      return true;
    std::string Class = R.Key.substr(7, R.Key.rfind("::") - 7);
    return Async && Members.count("class:" + Class + "#async");
  };

  for (const auto &[Usr, F] : G.P.functions())
    for (const ReadFact &R : F.Reads) {
      // A stream named by an expression we cannot follow may have its
      // deadline anywhere: say nothing.
      if (R.Bounded || R.Key.empty() || MemberBounded(R))
        continue;
      bool ByHelper = false;
      for (const auto &[Callee, Arg] : R.ViaCalls)
        ByHelper |= SetsDeadline(Callee, Arg);
      if (ByHelper)
        continue;
      std::vector<Note> Why;
      // A descriptor received as a parameter is the caller's: report only
      // when a visible caller passes a socket that has no deadline.
      if (R.Mode == "posix" &&
          (R.Param >= 0 ? !FromSocket(Usr, R.Param, 0, Why) : !R.KnownSocket))
        continue;
      std::string Name = displayName(R.Api);
      std::string Fd = R.Fd.empty() ? "" : " on '" + R.Fd + "'";
      std::string Msg =
          R.Mode == "async"
              ? "'" + Name + "'" + Fd +
                    " has no deadline: a silent peer leaves it pending "
                    "forever; " + readAdvice(R.Family, R.Mode)
              : "'" + Name + "'" + Fd +
                    " has no deadline: a silent peer blocks this thread "
                    "forever; " + readAdvice(R.Family, R.Mode);
      Finding Fd0 = makeFinding(Rule, R.At, Msg, F.Name);
      for (auto &N : Why) {
        Fd0.Notes.push_back(N);
        Fd0.Flow.push_back(N);
      }
      if (R.Family == "posix")
        Fd0.Notes.push_back(
            {R.At, "for example: struct timeval tv{30, 0}; setsockopt(" +
                       (R.Fd.empty() ? std::string("fd") : R.Fd) +
                       ", SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);"});
      for (FixFact Fx : R.Fixes) {
        size_t P = Fx.Text.find("$timeout");
        if (P != std::string::npos)
          Fx.Text.replace(P, 8, Opts.ReadTimeout);
        Fd0.Fixes.push_back(Fx);
      }
      Out.push_back(std::move(Fd0));
    }
}

} // namespace

std::string lockGraphDot(const Program &P) {
  Graph G(P);
  std::vector<Finding> Ignored;
  LockGraphPicture Pic;
  lockOrderInversion(G, Ignored, &Pic);
  auto Quote = [](const std::string &S) {
    std::string Out = "\"";
    for (char C : S)
      Out += C == '"' ? std::string("\\\"") : std::string(1, C);
    return Out + "\"";
  };
  std::string Dot = "digraph locks {\n  node [shape=box];\n";
  std::set<std::string> Nodes;
  for (const auto &[A, B] : Pic.Edges) {
    Nodes.insert(A);
    Nodes.insert(B);
  }
  for (const auto &N : Nodes)
    Dot += "  " + Quote(N) + ";\n";
  for (const auto &E : Pic.Edges)
    Dot += "  " + Quote(E.first) + " -> " + Quote(E.second) +
           (Pic.CycleEdges.count(E) ? " [color=red, penwidth=2];\n" : ";\n");
  return Dot + "}\n";
}

std::vector<Finding> analyze(const Program &P, const RuleSet &Rules,
                             const AnalysisOptions &Opts,
                             const std::set<std::string> &Enabled) {
  Graph G(P);
  std::vector<Finding> Out;
  if (Enabled.count(rules::BlockingUnderLock))
    blockingUnderLock(G, Out);
  if (Enabled.count(rules::BlockingOnEventLoop))
    blockingOnEventLoop(G, Rules, Opts, Out);
  if (Enabled.count(rules::LockOrderInversion))
    lockOrderInversion(G, Out);
  if (Enabled.count(rules::ReadWithoutDeadline))
    readWithoutDeadline(G, Opts, Out);
  if (Enabled.count(rules::ForeignCallWithoutHandoff))
    foreignCallWithoutHandoff(G, Rules, Opts, Out);
  if (Enabled.count(rules::ChannelSelfDeadlock))
    channelSelfDeadlock(P, Out);
  std::sort(Out.begin(), Out.end());
  Out.erase(std::unique(Out.begin(), Out.end(),
                        [](const Finding &A, const Finding &B) {
                          return !(A < B) && !(B < A);
                        }),
            Out.end());
  return Out;
}

} // namespace blockwatch
