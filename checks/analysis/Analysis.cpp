//===- Analysis.cpp - the rules, over facts -------------------------------===//
#include "Analysis.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <tuple>

namespace blockwatch {

bool Finding::operator<(const Finding &O) const {
  return std::tie(At, Rule, Message) < std::tie(O.At, O.Rule, O.Message);
}

std::string displayName(const std::string &Q) {
  return Q.compare(0, 2, "::") == 0 ? Q.substr(2) : Q;
}

void Program::add(const TuFacts &TU) {
  for (const auto &F : TU.Functions) {
    auto [It, New] = Fns.emplace(F.Usr, F);
    // A function defined in a header appears in every TU that includes it;
    // its facts are the same everywhere, so the first body wins.
    if (!New && !It->second.HasBody && F.HasBody)
      It->second = F;
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
    for (unsigned Guard = 0; Guard < 10000; ++Guard) {
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
      Notes.push_back({C.At, "'" + displayName(F->Name) + "' calls '" +
                                 displayName(C.CalleeName) + "'"});
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
  for (const auto &[Usr, F] : G.P.functions()) {
    if (!F.EntryContext.empty() &&
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

void blockingOnEventLoop(const Graph &G, const RuleSet &Rules,
                         const AnalysisOptions &Opts,
                         std::vector<Finding> &Out) {
  const char *Rule = rules::BlockingOnEventLoop;
  std::map<std::string, Note> LongHeld = heldAcrossBlocking(G);
  for (const Entry &E : entries(G, Rules, Opts)) {
    const ContextInfo &CI = Rules.context(E.Context);
    // Breadth-first from the entry along calls; spawns are not followed, so
    // a handoff to another thread ends the context.
    std::map<std::string, std::pair<std::string, size_t>> Parent;
    std::deque<std::string> Queue{E.Target};
    Parent[E.Target] = {"", 0};
    std::set<std::pair<SourceLoc, std::string>> Reported;
    while (!Queue.empty()) {
      std::string Usr = Queue.front();
      Queue.pop_front();
      const FunctionFact *F = G.fn(Usr);
      if (!F)
        continue;
      for (const Site &S : apiSites(*F, true)) {
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
                   What + " blocks " + CI.Thread + "; this code runs in " +
                       E.Description,
                   F->Name);
        // Rebuild the chain entry -> ... -> this function.
        std::vector<Note> Steps;
        for (std::string Cur = Usr; !Parent[Cur].first.empty();
             Cur = Parent[Cur].first) {
          const FunctionFact *Caller = G.fn(Parent[Cur].first);
          const CallFact &C = Caller->Calls[Parent[Cur].second];
          Steps.push_back({C.At, "'" + displayName(Caller->Name) + "' calls '" +
                                     displayName(C.CalleeName) + "'"});
        }
        std::reverse(Steps.begin(), Steps.end());
        Fd.Flow.push_back({E.At, "loop context starts here: " + E.Description});
        for (auto &N : Steps) {
          Fd.Notes.push_back(N);
          Fd.Flow.push_back(N);
        }
        Fd.Flow.push_back({S.At, What + " " + kindPhrase(S.Kind) + " here"});
        Fd.Notes.insert(Fd.Notes.begin(),
                        {E.At, "loop context starts here"});
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
      for (size_t I = 0; I < F->Calls.size(); ++I) {
        const std::string &Callee = F->Calls[I].Callee;
        if (Parent.count(Callee) || isCoroutine(G.fn(Callee)))
          continue;
        Parent[Callee] = {Usr, I};
        Queue.push_back(Callee);
      }
    }
  }
}

/// Lock-order graph with one witness per edge.
struct LockEdge {
  HeldLock From;  ///< Held, with where it was taken.
  SourceLoc To;   ///< Where the second lock is taken (or the call leading there).
  bool ToShared = false;
  std::string Function;
  std::vector<Note> Through; ///< Calls from the function to the acquisition.
};

void lockOrderInversion(const Graph &G, std::vector<Finding> &Out) {
  const char *Rule = rules::LockOrderInversion;
  // Transitive acquisitions per function, with the first witness found.
  struct Acq {
    SourceLoc At;
    bool Shared;
    int Call; ///< -1: taken directly in the function.
  };
  std::map<std::string, std::map<std::string, Acq>> Acquires;
  for (const auto &[Usr, F] : G.P.functions())
    for (const auto &A : F.Acquires)
      if (!A.Try)
        Acquires[Usr].emplace(A.Lock.Id, Acq{A.At, A.Lock.Shared, -1});
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const auto &[Usr, F] : G.P.functions())
      for (size_t I = 0; I < F.Calls.size(); ++I) {
        auto It = Acquires.find(F.Calls[I].Callee);
        if (It == Acquires.end() || F.Calls[I].Callee == Usr)
          continue;
        auto Copy = It->second;
        for (const auto &[Id, A] : Copy)
          if (Acquires[Usr]
                  .emplace(Id, Acq{F.Calls[I].At, A.Shared, static_cast<int>(I)})
                  .second)
            Changed = true;
      }
  }
  auto ThroughCalls = [&](std::string Usr, const std::string &Id) {
    std::vector<Note> Notes;
    for (unsigned Guard = 0; Guard < 1000; ++Guard) {
      const FunctionFact *F = G.fn(Usr);
      auto &A = Acquires[Usr][Id];
      if (!F || A.Call < 0) {
        Notes.push_back({A.At, "'" + Id + "' acquired here"});
        break;
      }
      const CallFact &C = F->Calls[A.Call];
      Notes.push_back({C.At, "'" + displayName(F->Name) + "' calls '" +
                                 displayName(C.CalleeName) + "'"});
      Usr = C.Callee;
    }
    return Notes;
  };

  std::map<std::string, std::map<std::string, LockEdge>> Edges;
  auto AddEdge = [&](const HeldLock &From, const std::string &To, LockEdge E) {
    auto &Slot = Edges[From.Id];
    auto It = Slot.find(To);
    // Keep the most conflicting witness: exclusive modes deadlock where
    // shared ones may not.
    auto Weight = [](const LockEdge &X) { return X.From.Shared + X.ToShared; };
    if (It == Slot.end() || Weight(E) < Weight(It->second))
      Slot[To] = std::move(E);
  };
  for (const auto &[Usr, F] : G.P.functions()) {
    for (const auto &A : F.Acquires) {
      if (A.Try)
        continue;
      for (const auto &H : A.Held) {
        if (H.Id == A.Lock.Id) {
          if (H.Recursive || (H.Shared && A.Lock.Shared))
            continue;
          Finding Fd = makeFinding(Rule, A.At,
                     "'" + A.Lock.Id +
                         "' is acquired while already held: a non-recursive "
                         "mutex deadlocks on itself",
                     F.Name);
          Fd.Notes.push_back({H.AcquiredAt, "'" + H.Id + "' first acquired here"});
          Out.push_back(std::move(Fd));
          continue;
        }
        AddEdge(H, A.Lock.Id,
                LockEdge{H, A.At, A.Lock.Shared, F.Name,
                         {{A.At, "'" + A.Lock.Id + "' acquired here"}}});
      }
    }
    for (const auto &C : F.Calls) {
      if (C.Held.empty() || C.Callee == Usr)
        continue;
      auto It = Acquires.find(C.Callee);
      if (It == Acquires.end())
        continue;
      for (const auto &H : C.Held)
        for (const auto &[Id, A] : It->second) {
          std::vector<Note> Through{{C.At, "'" + displayName(F.Name) +
                                               "' calls '" +
                                               displayName(C.CalleeName) + "'"}};
          auto Rest = ThroughCalls(C.Callee, Id);
          Through.insert(Through.end(), Rest.begin(), Rest.end());
          if (Id == H.Id) {
            if (H.Recursive || (H.Shared && A.Shared))
              continue;
            Finding Fd = makeFinding(Rule, C.At,
                       "call to '" + displayName(C.CalleeName) +
                           "' acquires '" + Id +
                           "', which is already held: a non-recursive mutex "
                           "deadlocks on itself",
                       F.Name);
            Fd.Notes.push_back(
                {H.AcquiredAt, "'" + H.Id + "' first acquired here"});
            Fd.Notes.insert(Fd.Notes.end(), Through.begin(), Through.end());
            Out.push_back(std::move(Fd));
            continue;
          }
          AddEdge(H, Id, LockEdge{H, C.At, A.Shared, F.Name, Through});
        }
    }
  }

  // Tarjan's strongly connected components over the lock graph.
  std::map<std::string, int> Index, Low;
  std::map<std::string, bool> OnStack;
  std::vector<std::string> Stack;
  std::vector<std::vector<std::string>> Sccs;
  int Counter = 0;
  std::function<void(const std::string &)> Connect = [&](const std::string &V) {
    Index[V] = Low[V] = Counter++;
    Stack.push_back(V);
    OnStack[V] = true;
    for (const auto &[W, E] : Edges[V]) {
      if (!Index.count(W)) {
        Connect(W);
        Low[V] = std::min(Low[V], Low[W]);
      } else if (OnStack[W]) {
        Low[V] = std::min(Low[V], Index[W]);
      }
    }
    if (Low[V] == Index[V]) {
      std::vector<std::string> Scc;
      std::string W;
      do {
        W = Stack.back();
        Stack.pop_back();
        OnStack[W] = false;
        Scc.push_back(W);
      } while (W != V);
      if (Scc.size() > 1)
        Sccs.push_back(Scc);
    }
  };
  std::vector<std::string> Nodes;
  for (const auto &[From, Tos] : Edges) {
    Nodes.push_back(From);
    for (const auto &[To, E] : Tos)
      Nodes.push_back(To);
  }
  std::sort(Nodes.begin(), Nodes.end());
  for (const auto &N : Nodes)
    if (!Index.count(N))
      Connect(N);

  for (auto &Scc : Sccs) {
    std::set<std::string> In(Scc.begin(), Scc.end());
    std::string Start = *In.begin();
    // Shortest cycle through the smallest lock, by BFS inside the SCC.
    std::map<std::string, std::string> Prev;
    std::deque<std::string> Queue{Start};
    std::vector<std::string> Cycle;
    while (!Queue.empty() && Cycle.empty()) {
      std::string V = Queue.front();
      Queue.pop_front();
      for (const auto &[W, E] : Edges[V]) {
        if (!In.count(W))
          continue;
        if (W == Start) {
          for (std::string C = V; C != Start; C = Prev[C])
            Cycle.push_back(C);
          Cycle.push_back(Start);
          std::reverse(Cycle.begin(), Cycle.end());
          break;
        }
        if (!Prev.count(W)) {
          Prev[W] = V;
          Queue.push_back(W);
        }
      }
    }
    if (Cycle.size() < 2)
      continue;
    std::vector<const LockEdge *> CycleEdges;
    for (size_t I = 0; I < Cycle.size(); ++I)
      CycleEdges.push_back(&Edges[Cycle[I]][Cycle[(I + 1) % Cycle.size()]]);
    // Readers do not block readers: the cycle deadlocks only if every wait
    // conflicts with the mode the next holder has.
    bool Conflicts = true;
    for (size_t I = 0; I < CycleEdges.size(); ++I) {
      const LockEdge *Next = CycleEdges[(I + 1) % CycleEdges.size()];
      if (CycleEdges[I]->ToShared && Next->From.Shared)
        Conflicts = false;
    }
    if (!Conflicts)
      continue;
    std::string Order;
    for (const auto &L : Cycle)
      Order += "'" + L + "' -> ";
    Order += "'" + Cycle.front() + "'";
    const LockEdge *Last = CycleEdges.back();
    Finding Fd = makeFinding(Rule, Last->To,
               "lock order inversion: '" + Cycle.back() + "' then '" +
                   Cycle.front() + "' here, but elsewhere the opposite order (" +
                   Order + ") can deadlock",
               Last->Function);
    if (Cycle.size() == 2)
      Fd.Message = "lock order inversion: '" + Cycle.front() +
                   "' is acquired while '" + Cycle.back() +
                   "' is held, but elsewhere '" + Cycle.back() +
                   "' is acquired while '" + Cycle.front() + "' is held";
    for (const LockEdge *E : CycleEdges) {
      Fd.Notes.push_back({E->From.AcquiredAt,
                          "'" + E->From.Id + "' held here (in '" +
                              displayName(E->Function) + "')"});
      for (const auto &N : E->Through)
        Fd.Notes.push_back(N);
    }
    Out.push_back(std::move(Fd));
  }
}

} // namespace

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
  std::sort(Out.begin(), Out.end());
  Out.erase(std::unique(Out.begin(), Out.end(),
                        [](const Finding &A, const Finding &B) {
                          return !(A < B) && !(B < A);
                        }),
            Out.end());
  return Out;
}

} // namespace blockwatch
