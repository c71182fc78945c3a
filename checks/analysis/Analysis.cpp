//===- Analysis.cpp - the rules, over facts -------------------------------===//
#include "Analysis.h"
#include "Channels.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <functional>
#include <iterator>
#include <optional>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Regex.h"

namespace blockwatch {

bool Finding::operator<(const Finding &O) const {
  return std::tie(At, Rule, Message) < std::tie(O.At, O.Rule, O.Message);
}

std::string displayName(const std::string &Q) {
  return Q.compare(0, 2, "::") == 0 ? Q.substr(2) : Q;
}

void Program::add(const TuFacts &TU) { add(TuFacts(TU)); }

/// Points every reference to a renamed function in \p TU at its new USR.
static void renameUsrs(TuFacts &TU,
                       const std::unordered_map<std::string, std::string> &To) {
  auto Fix = [&](std::string &Usr) {
    auto It = To.find(Usr);
    if (It != To.end())
      Usr = It->second;
  };
  auto FixVia = [&](auto &Via) {
    for (auto &V : Via)
      Fix(V.first);
  };
  for (FunctionFact &F : TU.Functions) {
    Fix(F.Usr);
    for (CallFact &C : F.Calls) {
      Fix(C.Callee);
      for (FdArg &A : C.FdArgs)
        FixVia(A.ViaCalls);
    }
    for (SpawnFact &S : F.Spawns)
      Fix(S.Target);
    for (ReadFact &R : F.Reads)
      FixVia(R.ViaCalls);
    for (auto &D : F.DeadlineParamCalls)
      Fix(D.second.first);
    for (ChannelOpFact &O : F.Channels.Ops)
      for (std::string &T : O.SpawnedBefore)
        Fix(T);
    for (ChannelEscapeFact &E : F.Channels.Escapes)
      Fix(E.Target);
  }
}

void Program::add(TuFacts &&TU) {
  Orders.insert(Orders.end(), TU.Orders.begin(), TU.Orders.end());
  // One database may hold several programs that each define a function of
  // the same name, e.g. 'session::start' in two example servers: a body
  // somewhere else is another function. It gets its own USR, and this TU's
  // calls go to it. Only for TUs: exported summaries (no main file) are
  // older copies of functions the open TU has just redefined.
  if (!TU.MainFile.empty()) {
    std::unordered_map<std::string, std::string> Renamed;
    for (const FunctionFact &F : TU.Functions) {
      if (!F.HasBody)
        continue;
      auto It = ByUsr.find(F.Usr);
      if (It != ByUsr.end() && Storage[It->second].HasBody &&
          !(Storage[It->second].At == F.At))
        Renamed.emplace(F.Usr, F.Usr + "@" + F.At.File.str());
    }
    if (!Renamed.empty())
      renameUsrs(TU, Renamed);
  }
  for (auto &F : TU.Functions)
    insert(std::move(F));
}

void Program::insert(FunctionFact &&F) {
  auto It = ByUsr.find(F.Usr);
  if (It == ByUsr.end()) {
    Storage.push_back(std::move(F));
    ByUsr.emplace(Storage.back().Usr, Storage.size() - 1);
    Dirty = true;
    return;
  }
  // A function defined in a header appears in every TU that includes it;
  // its facts are the same everywhere, so the first body wins.
  if (Storage[It->second].HasBody || !F.HasBody)
    return;
  unsigned Index = It->second;
  ByUsr.erase(It); // The key views the USR string being replaced.
  Storage[Index] = std::move(F);
  ByUsr.emplace(Storage[Index].Usr, Index);
}

void Program::sort() const {
  if (!Dirty)
    return;
  std::vector<unsigned> Order(Storage.size());
  for (unsigned I = 0; I < Order.size(); ++I)
    Order[I] = I;
  std::sort(Order.begin(), Order.end(), [&](unsigned A, unsigned B) {
    return Storage[A].Usr < Storage[B].Usr;
  });
  Sorted.resize(Order.size());
  Rank.resize(Order.size());
  for (unsigned I = 0; I < Order.size(); ++I) {
    Sorted[I] = &Storage[Order[I]];
    Rank[Order[I]] = I;
  }
  Dirty = false;
}

const std::vector<const FunctionFact *> &Program::functions() const {
  sort();
  return Sorted;
}

int Program::id(std::string_view Usr) const {
  auto It = ByUsr.find(Usr);
  if (It == ByUsr.end())
    return -1;
  sort();
  return static_cast<int>(Rank[It->second]);
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

bool isCoroutine(const FunctionFact &F) {
  return F.EntryReason == "the coroutine";
}

/// A blocking event in one function: a blocking API call or, where lock
/// waits count, an acquisition of a thread-blocking mutex. Views the facts.
struct Site {
  const BlockingFact *Fact = nullptr;  ///< Null for acquisitions.
  const AcquireFact *Acquire = nullptr;
  bool valid() const { return Fact || Acquire; }
  const SourceLoc &at() const { return Fact ? Fact->At : Acquire->At; }
  const std::string &api() const { return Fact ? Fact->Api : Acquire->Lock.Id; }
  const std::string &kind() const {
    static const std::string LockWait = "lock-wait";
    return Fact ? Fact->Kind : LockWait;
  }
  const std::string &alternative() const {
    static const std::string None;
    return Fact ? Fact->Alternative : None;
  }
};

bool sitesWaitForLocks(const AcquireFact &A) { return A.BlocksThread && !A.Try; }

std::vector<Site> apiSites(const FunctionFact &F, bool LockWaits) {
  std::vector<Site> Out;
  for (const auto &B : F.Blocking) {
    if (!LockWaits && !B.OnlyIn.empty())
      continue;
    Out.push_back({&B, nullptr});
  }
  if (LockWaits)
    for (const auto &A : F.Acquires)
      if (sitesWaitForLocks(A))
        Out.push_back({nullptr, &A});
  // In source order, ties in the order above; a function has few sites.
  for (size_t I = 1; I < Out.size(); ++I)
    for (size_t J = I; J > 0 && Out[J].at() < Out[J - 1].at(); --J)
      std::swap(Out[J], Out[J - 1]);
  return Out;
}

/// A call: the function making it and its index in that function's Calls.
struct CallRef {
  unsigned Caller;
  unsigned Call;
};

/// The call graph over the merged facts: functions by id (USR order), every
/// call resolved once to its callee's id, and the callers of each function.
class Graph {
public:
  Graph(const Program &P, bool Threaded)
      : P(P), Fns(P.functions()) {
    size_t N = Fns.size();
    CallBase.assign(N + 1, 0);
    for (size_t I = 0; I < N; ++I)
      CallBase[I + 1] = CallBase[I] + Fns[I]->Calls.size();
    Callees.resize(CallBase[N]);
    // Resolving a million callee USRs is hash lookups only: split it.
    auto Resolve = [&](size_t From, size_t To) {
      for (size_t I = From; I < To; ++I)
        for (size_t C = 0; C < Fns[I]->Calls.size(); ++C)
          Callees[CallBase[I] + C] = P.id(Fns[I]->Calls[C].Callee);
    };
    if (Threaded) {
      std::thread Half(Resolve, N / 2, N);
      Resolve(0, N / 2);
      Half.join();
    } else {
      Resolve(0, N);
    }
    CallerBase.assign(N + 1, 0);
    for (int Callee : Callees)
      if (Callee >= 0)
        ++CallerBase[Callee + 1];
    for (size_t I = 0; I < N; ++I)
      CallerBase[I + 1] += CallerBase[I];
    CallerList.resize(CallerBase[N]);
    std::vector<size_t> Fill(CallerBase.begin(), CallerBase.end() - 1);
    for (unsigned I = 0; I < N; ++I)
      for (unsigned C = 0; C < Fns[I]->Calls.size(); ++C)
        if (int Callee = Callees[CallBase[I] + C]; Callee >= 0)
          CallerList[Fill[Callee]++] = {I, C};
  }
  unsigned size() const { return Fns.size(); }
  const FunctionFact &fn(unsigned I) const { return *Fns[I]; }
  int id(const std::string &Usr) const { return P.id(Usr); }
  /// The callee of call \p Call of function \p F, or -1 when no TU has it.
  int callee(unsigned F, size_t Call) const {
    return Callees[CallBase[F] + Call];
  }
  llvm::ArrayRef<CallRef> callers(unsigned F) const {
    return llvm::ArrayRef<CallRef>(CallerList)
        .slice(CallerBase[F], CallerBase[F + 1] - CallerBase[F]);
  }
  /// Functions from which some function satisfying \p Local is reachable
  /// through calls (themselves included).
  template <typename Pred> std::vector<char> reaching(Pred Local) const {
    std::vector<char> Out(size(), 0);
    std::vector<unsigned> Work;
    for (unsigned I = 0; I < size(); ++I)
      if (Local(I)) {
        Out[I] = 1;
        Work.push_back(I);
      }
    while (!Work.empty()) {
      unsigned F = Work.back();
      Work.pop_back();
      for (const CallRef &R : callers(F))
        if (!Out[R.Caller]) {
          Out[R.Caller] = 1;
          Work.push_back(R.Caller);
        }
    }
    return Out;
  }

  const Program &P;

private:
  const std::vector<const FunctionFact *> &Fns;
  std::vector<size_t> CallBase;
  std::vector<int> Callees;
  std::vector<size_t> CallerBase;
  std::vector<CallRef> CallerList;
};

/// Shortest path, for every function, to a blocking API call: either one in
/// the function itself or a call to a function that has one.
struct MayBlock {
  struct Step {
    unsigned Dist = 0;
    int Call = -1; ///< Call index to follow, or -1 when the site is local.
    Site Local;
  };
  std::vector<std::optional<Step>> Steps;

  explicit MayBlock(const Graph &G) : Steps(G.size()) {
    std::deque<unsigned> Queue;
    for (unsigned I = 0; I < G.size(); ++I) {
      // The first site in source order, as apiSites would sort them.
      Site First;
      for (const auto &B : G.fn(I).Blocking)
        if (B.OnlyIn.empty() && (!First.valid() || B.At < First.at()))
          First = {&B, nullptr};
      if (!First.valid())
        continue;
      Steps[I] = Step{0, -1, First};
      Queue.push_back(I);
    }
    while (!Queue.empty()) {
      unsigned F = Queue.front();
      Queue.pop_front();
      unsigned D = Steps[F]->Dist;
      // Calling a coroutine only creates it; its body runs when awaited or
      // spawned, as its own entry.
      if (isCoroutine(G.fn(F)))
        continue;
      for (const CallRef &R : G.callers(F)) {
        if (Steps[R.Caller])
          continue;
        Steps[R.Caller] = Step{D + 1, static_cast<int>(R.Call), Site()};
        Queue.push_back(R.Caller);
      }
    }
  }

  const Step *find(int F) const {
    return F < 0 || !Steps[F] ? nullptr : &*Steps[F];
  }

  /// Notes from \p F down to its blocking site; returns that site.
  Site chain(const Graph &G, int F, std::vector<Note> &Notes) const {
    // Each step lowers the distance, so the walk ends within Steps.size().
    for (size_t Guard = 0; Guard <= Steps.size(); ++Guard) {
      const Step *S = find(F);
      if (!S)
        break;
      if (S->Call < 0) {
        Notes.push_back({S->Local.at(), "'" + displayName(S->Local.api()) +
                                            "' " + kindPhrase(S->Local.kind()) +
                                            " here"});
        return S->Local;
      }
      const FunctionFact &Fn = G.fn(F);
      Notes.push_back(callNote(Fn, Fn.Calls[S->Call]));
      F = G.callee(F, S->Call);
    }
    return Site();
  }
};

/// The lock a finding names: the most recent one held, except the one a
/// condition wait releases.
const HeldLock *namedLock(const std::vector<HeldLock> &Held,
                          const std::string &Released) {
  for (auto It = Held.rbegin(); It != Held.rend(); ++It)
    if (It->Id != Released)
      return &*It;
  return nullptr;
}

void blockingUnderLock(const Graph &G, const MayBlock &MB,
                       std::vector<Finding> &Out) {
  const char *Rule = rules::BlockingUnderLock;
  for (unsigned Id = 0; Id < G.size(); ++Id) {
    const FunctionFact &F = G.fn(Id);
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
    for (size_t I = 0; I < F.Calls.size(); ++I) {
      const CallFact &C = F.Calls[I];
      if (C.Held.empty())
        continue;
      int Callee = G.callee(Id, I);
      if (!MB.find(Callee))
        continue;
      std::vector<Note> Chain;
      Site End = MB.chain(G, Callee, Chain);
      const HeldLock *L =
          namedLock(C.Held, End.Fact ? End.Fact->ReleasesLock : "");
      if (!L)
        continue;
      Finding Fd = makeFinding(Rule, C.At,
                 "call to '" + displayName(C.CalleeName) + "' may block in '" +
                     displayName(End.valid() ? End.api() : "") + "' while '" +
                     L->Id + "' is held",
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
  unsigned Target;
  std::string Context;
  SourceLoc At;
  std::string Description; ///< "the handler posted at server.cpp:40"
};

/// Where loop code starts. A callable no TU defines starts nothing visible.
std::vector<Entry> entries(const Graph &G, const RuleSet &Rules,
                           const AnalysisOptions &Opts) {
  std::vector<Entry> Out;
  // A stackful coroutine spawned onto a thread pool is not loop code, even
  // though its yield_context parameter says "coroutine".
  std::vector<char> HandedOff(G.size(), 0);
  for (unsigned Id = 0; Id < G.size(); ++Id)
    for (const auto &S : G.fn(Id).Spawns)
      if (S.Context.empty())
        if (int T = G.id(S.Target); T >= 0)
          HandedOff[T] = 1;
  for (unsigned Id = 0; Id < G.size(); ++Id) {
    const FunctionFact &F = G.fn(Id);
    bool OnPool = F.EntryReason == "the stackful coroutine" && HandedOff[Id];
    if (!F.EntryContext.empty() && !OnPool &&
        (F.EntryContext != "coroutine" || Opts.UnknownCoroutinesOnLoop))
      Out.push_back({Id, F.EntryContext, F.At,
                     F.EntryReason + " '" + displayName(F.Name) + "' at " +
                         where(F.At)});
    for (const auto &S : F.Spawns) {
      if (S.Context.empty())
        continue;
      int T = G.id(S.Target);
      // A coroutine spawned onto the loop is one entry, not two.
      if (T < 0 || G.fn(T).EntryContext == S.Context)
        continue;
      Out.push_back(
          {static_cast<unsigned>(T), S.Context, S.At,
           (Rules.context(S.Context).Entry.empty()
                ? "the callable passed to '" + displayName(S.Via) + "'"
                : Rules.context(S.Context).Entry) +
               " at " + where(S.At)});
    }
  }
  return Out;
}

/// Where each lock is held across something that blocks: directly, through
/// a call, or across a suspension. A loop thread waiting for such a lock
/// waits for that blocking work.
std::map<std::string, Note> heldAcrossBlocking(const Graph &G,
                                               const MayBlock &MB) {
  std::map<std::string, Note> Out;
  auto Add = [&](const std::string &Lock, const SourceLoc &At,
                 const auto &Message) {
    if (!Out.count(Lock))
      Out.emplace(Lock, Note{At, Message()});
  };
  for (unsigned Id = 0; Id < G.size(); ++Id) {
    const FunctionFact &F = G.fn(Id);
    for (const auto &B : F.Blocking)
      if (B.OnlyIn.empty())
        for (const auto &H : B.Held)
          if (H.Id != B.ReleasesLock)
            Add(H.Id, B.At, [&] {
              return "'" + H.Id + "' is held across '" + displayName(B.Api) +
                     "' here";
            });
    for (size_t I = 0; I < F.Calls.size(); ++I) {
      const CallFact &C = F.Calls[I];
      if (!C.Held.empty() && MB.find(G.callee(Id, I)))
        for (const auto &H : C.Held)
          Add(H.Id, C.At, [&] {
            return "'" + H.Id + "' is held across a call that may block here";
          });
    }
    for (const auto &S : F.Suspends)
      for (const auto &H : S.Held)
        Add(H.Id, S.At, [&] {
          return "'" + H.Id + "' is held across '" + S.What + "' here";
        });
  }
  return Out;
}

/// Breadth-first from an entry along calls. Spawns are not calls, so a
/// handoff to another thread ends the context; a coroutine called from here
/// is its own entry; a foreign API's body (a trampoline) is not followed.
/// Only functions in \p Relevant (those that can reach what the rule looks
/// for) are entered: every function on a shortest path to a site is one, so
/// the chains are the same as without the pruning.
/// \p Visit gets each function reached and the chain of calls to it.
template <typename VisitFn>
void walkFromEntry(const Graph &G, const std::vector<char> &Relevant,
                   const Entry &E, VisitFn Visit) {
  if (!Relevant[E.Target])
    return;
  // Callee -> (caller, call index); the entry has no caller.
  std::unordered_map<unsigned, std::pair<int, unsigned>> Parent;
  std::deque<unsigned> Queue{E.Target};
  Parent[E.Target] = {-1, 0};
  auto Chain = [&](unsigned F) {
    std::vector<Note> Steps;
    for (unsigned Cur = F; Parent[Cur].first >= 0;) {
      const auto [Caller, Call] = Parent[Cur];
      const FunctionFact &CF = G.fn(Caller);
      Steps.push_back(callNote(CF, CF.Calls[Call]));
      Cur = Caller;
    }
    std::reverse(Steps.begin(), Steps.end());
    return Steps;
  };
  while (!Queue.empty()) {
    unsigned Id = Queue.front();
    Queue.pop_front();
    const FunctionFact &F = G.fn(Id);
    Visit(Id, F, Chain);
    for (unsigned I = 0; I < F.Calls.size(); ++I) {
      int Callee = G.callee(Id, I);
      if (Callee < 0 || !Relevant[Callee] || Parent.count(Callee))
        continue;
      const FunctionFact &CF = G.fn(Callee);
      if (isCoroutine(CF) || CF.ForeignApi)
        continue;
      Parent[Callee] = {static_cast<int>(Id), I};
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

void blockingOnEventLoop(const Graph &G, const MayBlock &MB,
                         const std::vector<Entry> &Entries,
                         const RuleSet &Rules, std::vector<Finding> &Out) {
  const char *Rule = rules::BlockingOnEventLoop;
  std::map<std::string, Note> LongHeld = heldAcrossBlocking(G, MB);
  std::vector<char> Relevant = G.reaching([&](unsigned Id) {
    const FunctionFact &F = G.fn(Id);
    return !F.Blocking.empty() ||
           std::any_of(F.Acquires.begin(), F.Acquires.end(), sitesWaitForLocks);
  });
  for (const Entry &E : Entries) {
    const ContextInfo &CI = Rules.context(E.Context);
    std::set<std::pair<SourceLoc, std::string>> Reported;
    walkFromEntry(G, Relevant, E, [&](unsigned Id, const FunctionFact &F,
                                      auto &Chain) {
      for (const Site &S : apiSites(F, true)) {
        if (S.Fact && !S.Fact->OnlyIn.empty() &&
            std::find(S.Fact->OnlyIn.begin(), S.Fact->OnlyIn.end(),
                      E.Context) == S.Fact->OnlyIn.end())
          continue;
        // Briefly held mutexes are the norm on loop threads; waiting for
        // one matters when its holder can block.
        auto Long = S.Fact ? LongHeld.end() : LongHeld.find(S.api());
        if (!S.Fact && !CI.AllLockWaits && Long == LongHeld.end())
          continue;
        if (!Reported.insert({S.at(), S.api()}).second)
          continue;
        std::string What = S.Fact ? "'" + displayName(S.api()) + "'"
                                  : "locking '" + S.api() + "'";
        Finding Fd = makeFinding(Rule, S.at(),
                                 What + " blocks " + CI.Thread +
                                     "; this code runs in " + E.Description,
                                 F.Name);
        addLoopEvidence(Fd, E, Chain(Id), S.at(),
                        What + " " + kindPhrase(S.kind()) + " here");
        if (Long != LongHeld.end())
          Fd.Notes.push_back(Long->second);
        bool Fixed = false;
        if (S.Fact)
          for (const auto &CF : S.Fact->Fixes)
            if (CF.Context == E.Context && (!CF.Direct || Id == E.Target)) {
              Fd.Fixes = CF.Edits;
              Fixed = true;
              break;
            }
        if (!Fixed && !S.alternative().empty())
          Fd.Notes.push_back({S.at(), "use " + S.alternative() + " instead"});
        else if (!Fixed)
          Fd.Notes.push_back({S.at(), CI.Handoff});
        Out.push_back(std::move(Fd));
      }
    });
  }
}

/// Is a call to \p F a call into code nobody here can see?
bool isForeign(const FunctionFact &F, const AnalysisOptions &Opts) {
  if (F.ForeignApi)
    return true;
  if (F.HasBody || !F.ExternC)
    return false;
  if (F.InSystemHeader && !Opts.StrictForeign)
    return false;
  if (Opts.ForeignHeaders) {
    if (!Opts.ForeignHeaders->match(F.At.File.str()))
      return false;
  }
  return true;
}

void foreignCallWithoutHandoff(const Graph &G,
                               const std::vector<Entry> &Entries,
                               const RuleSet &Rules,
                               const AnalysisOptions &Opts,
                               std::vector<Finding> &Out) {
  const char *Rule = rules::ForeignCallWithoutHandoff;
  std::vector<char> Foreign(G.size());
  for (unsigned Id = 0; Id < G.size(); ++Id)
    Foreign[Id] = isForeign(G.fn(Id), Opts);
  auto IsForeignCall = [&](unsigned Id, size_t Call) {
    int Callee = G.callee(Id, Call);
    return Callee >= 0 && Foreign[Callee];
  };
  std::vector<char> Relevant = G.reaching([&](unsigned Id) {
    for (size_t I = 0; I < G.fn(Id).Calls.size(); ++I)
      if (IsForeignCall(Id, I))
        return true;
    return false;
  });
  for (const Entry &E : Entries) {
    const ContextInfo &CI = Rules.context(E.Context);
    std::set<SourceLoc> Reported;
    walkFromEntry(G, Relevant, E, [&](unsigned Id, const FunctionFact &F,
                                      auto &Chain) {
      for (size_t I = 0; I < F.Calls.size(); ++I) {
        const CallFact &C = F.Calls[I];
        if (!IsForeignCall(Id, I) || !Reported.insert(C.At).second)
          continue;
        const FunctionFact &Callee = G.fn(G.callee(Id, I));
        std::string Name = displayName(C.CalleeName);
        Finding Fd = makeFinding(
            Rule, C.At,
            "foreign call '" + Name + "' runs on " + CI.Thread +
                " without a handoff: its code is not visible here, and if it "
                "blocks, every task on this thread stalls; this code runs in " +
                E.Description,
            F.Name);
        addLoopEvidence(Fd, E, Chain(Id), C.At,
                        "'" + Name + "' is called here");
        if (Callee.At.valid() && !Callee.ForeignApi)
          Fd.Notes.push_back({Callee.At, "'" + Name +
                                             "' is declared here, with no "
                                             "definition in the program"});
        Fd.Notes.push_back({C.At, CI.Handoff});
        Out.push_back(std::move(Fd));
      }
    });
  }
}

/// Lock names interned in name order, so maps keyed by id iterate as maps
/// keyed by name would; a lock passed as parameter N is the key -1 - N.
class LockNames {
public:
  explicit LockNames(const Graph &G) {
    std::unordered_set<std::string_view> Seen;
    auto See = [&](const std::vector<HeldLock> &Held) {
      for (const HeldLock &H : Held)
        Seen.insert(H.Id);
    };
    for (unsigned Id = 0; Id < G.size(); ++Id) {
      const FunctionFact &F = G.fn(Id);
      for (const AcquireFact &A : F.Acquires) {
        Seen.insert(A.Lock.Id);
        See(A.Held);
      }
      for (const CallFact &C : F.Calls) {
        See(C.Held);
        for (const ArgLock &L : C.ArgLocks)
          Seen.insert(L.Id);
      }
    }
    for (const DeclaredOrder &O : G.P.orders()) {
      Seen.insert(O.First);
      Seen.insert(O.Second);
    }
    Names.assign(Seen.begin(), Seen.end());
    std::sort(Names.begin(), Names.end());
    for (size_t I = 0; I < Names.size(); ++I)
      Ids.emplace(Names[I], I);
  }
  int id(const std::string &Name) const { return Ids.at(Name); }
  static int paramKey(int Param) { return -1 - Param; }
  std::string display(int Key) const {
    return Key < 0 ? "parameter " + std::to_string(-1 - Key)
                   : std::string(Names[Key]);
  }
  const std::string_view &name(int Id) const { return Names[Id]; }
  size_t size() const { return Names.size(); }

private:
  std::vector<std::string_view> Names; ///< Views of the facts' strings.
  std::unordered_map<std::string_view, int> Ids;
};

/// What a function acquires, directly or through calls, with the first
/// witness of each lock. Views the facts.
struct Acq {
  const SourceLoc *At;
  bool Shared = false;
  int Call = -1; ///< -1: taken directly in the function.
  const std::string *Instance;
  int Param = -1;
};

/// A function's acquisitions by lock key, in key order: a sorted vector,
/// since most functions take a lock or two and a merge has millions.
class AcquireSet {
public:
  using Entry = std::pair<int, Acq>;
  bool emplace(int K, const Acq &A) {
    auto It = lower(K);
    if (It != Items.end() && It->first == K)
      return false;
    Items.insert(It, {K, A});
    return true;
  }
  const Acq *find(int K) const {
    auto It = std::lower_bound(
        Items.begin(), Items.end(), K,
        [](const Entry &E, int Key) { return E.first < Key; });
    return It != Items.end() && It->first == K ? &It->second : nullptr;
  }
  bool count(int K) const { return find(K) != nullptr; }
  bool empty() const { return Items.empty(); }
  std::vector<Entry>::const_iterator begin() const { return Items.begin(); }
  std::vector<Entry>::const_iterator end() const { return Items.end(); }

private:
  std::vector<Entry>::iterator lower(int K) {
    return std::lower_bound(
        Items.begin(), Items.end(), K,
        [](const Entry &E, int Key) { return E.first < Key; });
  }
  std::vector<Entry> Items;
};

class LockGraph {
public:
  LockGraph(const Graph &G, const LockNames &Locks)
      : G(G), Locks(Locks), Acquires(G.size()) {
    summarize();
  }

  /// Per-function acquisitions, transitive through calls. A mutex the
  /// callee receives as a parameter becomes the caller's argument.
  void summarize() {
    std::deque<unsigned> Work;
    std::vector<char> Queued(G.size(), 0);
    for (unsigned Id = 0; Id < G.size(); ++Id) {
      for (const auto &A : G.fn(Id).Acquires)
        if (!A.Try)
          Acquires[Id].emplace(
              key(A.Lock),
              Acq{&A.At, A.Lock.Shared, -1, &A.Lock.Instance, A.Lock.Param});
      if (!Acquires[Id].empty()) {
        Work.push_back(Id);
        Queued[Id] = 1;
      }
    }
    // Worklist: when a function's set grows, only its callers can change,
    // and each of them only by what the callee gained.
    while (!Work.empty()) {
      unsigned Callee = Work.front();
      Work.pop_front();
      Queued[Callee] = 0;
      const auto &Mine = Acquires[Callee];
      if (Mine.empty())
        continue;
      for (const CallRef &R : G.callers(Callee)) {
        if (R.Caller == Callee)
          continue;
        const CallFact &C = G.fn(R.Caller).Calls[R.Call];
        auto &Into = Acquires[R.Caller];
        bool Grew = false;
        for (const auto &[K, A] : Mine) {
          auto Mapped = mapToCaller(C, K, A);
          if (!Mapped)
            continue;
          Grew |= Into.emplace(Mapped->first,
                               Acq{&C.At, A.Shared, static_cast<int>(R.Call),
                                   Mapped->second, -1});
        }
        if (Grew && !Queued[R.Caller]) {
          Queued[R.Caller] = 1;
          Work.push_back(R.Caller);
        }
      }
    }
  }

  int key(const HeldLock &L) const {
    return L.Param >= 0 ? LockNames::paramKey(L.Param) : Locks.id(L.Id);
  }

  /// The lock key and instance a callee's acquisition has in the caller.
  std::optional<std::pair<int, const std::string *>>
  mapToCaller(const CallFact &C, int Key, const Acq &A) const {
    static const std::string This = "this", Unknown = "?";
    if (A.Param >= 0) {
      for (const ArgLock &L : C.ArgLocks)
        if (L.Index == A.Param)
          return std::make_pair(Locks.id(L.Id), &L.Instance);
      return std::nullopt;
    }
    const std::string *Inst = A.Instance;
    if (*Inst == "this")
      Inst = C.ThisCall ? &This : &Unknown;
    else if (!Inst->empty())
      Inst = &Unknown;
    return std::make_pair(Key, Inst);
  }

  /// Notes from a call in \p F down to where lock \p K is taken.
  std::vector<Note> throughCalls(int F, int K) const {
    std::vector<Note> Notes;
    for (unsigned Guard = 0; Guard < 1000 && F >= 0; ++Guard) {
      const Acq *Found = Acquires[F].find(K);
      if (!Found)
        break;
      const Acq &A = *Found;
      if (A.Call < 0) {
        Notes.push_back({*A.At, "'" + Locks.display(K) + "' acquired here"});
        break;
      }
      const FunctionFact &Fn = G.fn(F);
      const CallFact &C = Fn.Calls[A.Call];
      Notes.push_back(callNote(Fn, C));
      // Follow the callee's key: the parameter it was passed in, if any.
      int Callee = G.callee(F, A.Call);
      int Next = K;
      if (Callee >= 0 && !Acquires[Callee].count(K))
        for (const auto &[CK, CA] : Acquires[Callee])
          if (CA.Param >= 0)
            for (const ArgLock &L : C.ArgLocks)
              if (L.Index == CA.Param && Locks.id(L.Id) == K)
                Next = CK;
      K = Next;
      F = Callee;
    }
    return Notes;
  }

  const Graph &G;
  const LockNames &Locks;
  std::vector<AcquireSet> Acquires;
};

bool sameInstance(const std::string &A, const std::string &B) {
  return A == B && A != "?" && A != "param";
}

/// A lock-order edge "From held, then To taken". Its evidence is computed
/// only for the edges of reported cycles: most edges never are.
struct LockEdge {
  const HeldLock *From; ///< Held, with where it was taken.
  const SourceLoc *To;  ///< Where the second lock is taken (or the call leading there).
  bool ToShared = false;
  const std::string *Function;
  /// How the function reaches the acquisition: taken directly (Direct), a
  /// declared order (Declared), or call \p Call of function \p Fn whose
  /// callee takes lock key \p Key.
  const AcquireFact *Direct = nullptr;
  const DeclaredOrder *Declared = nullptr;
  int Fn = -1;
  unsigned Call = 0;
  int Key = 0;
  /// Adjacent RAII guards of one scope, rewritable as one scoped_lock.
  const SparseVector<FixFact> *Fix = nullptr;

  std::vector<Note> through(const LockGraph &LG) const {
    if (Direct)
      return {{Direct->At, "'" + Direct->Lock.Id + "' acquired here"}};
    if (Declared)
      return {{Declared->At, "declared: '" + Declared->First +
                                 "' is acquired before '" + Declared->Second +
                                 "'"}};
    const FunctionFact &F = LG.G.fn(Fn);
    std::vector<Note> Out{callNote(F, F.Calls[Call])};
    auto Rest = LG.throughCalls(LG.G.callee(Fn, Call), Key);
    Out.insert(Out.end(), Rest.begin(), Rest.end());
    return Out;
  }
};

/// The graph lockOrderInversion built, for --lock-graph.
struct LockGraphPicture {
  std::set<std::pair<std::string, std::string>> Edges, CycleEdges;
};

/// Tarjan's strongly connected components of \p Edges (nodes 0..N-1), each
/// sorted, without recursion: lock chains can be long.
template <typename EdgeMap>
std::vector<std::vector<int>> components(const std::vector<EdgeMap> &Edges) {
  int N = Edges.size();
  std::vector<int> Index(N, -1), Low(N, 0);
  std::vector<char> OnStack(N, 0);
  std::vector<int> Stack;
  std::vector<std::vector<int>> Sccs;
  int Counter = 0;
  struct Frame {
    int V;
    typename EdgeMap::const_iterator Next;
  };
  std::vector<Frame> Calls;
  for (int Root = 0; Root < N; ++Root) {
    if (Index[Root] >= 0)
      continue;
    auto Enter = [&](int V) {
      Index[V] = Low[V] = Counter++;
      Stack.push_back(V);
      OnStack[V] = 1;
      Calls.push_back({V, Edges[V].begin()});
    };
    Enter(Root);
    while (!Calls.empty()) {
      Frame &Fr = Calls.back();
      int V = Fr.V;
      if (Fr.Next != Edges[V].end()) {
        int W = Fr.Next->first;
        ++Fr.Next;
        if (Index[W] < 0)
          Enter(W);
        else if (OnStack[W])
          Low[V] = std::min(Low[V], Index[W]);
        continue;
      }
      Calls.pop_back();
      if (!Calls.empty())
        Low[Calls.back().V] = std::min(Low[Calls.back().V], Low[V]);
      if (Low[V] != Index[V])
        continue;
      std::vector<int> Scc;
      int W;
      do {
        W = Stack.back();
        Stack.pop_back();
        OnStack[W] = 0;
        Scc.push_back(W);
      } while (W != V);
      if (Scc.size() > 1) {
        std::sort(Scc.begin(), Scc.end());
        Sccs.push_back(std::move(Scc));
      }
    }
  }
  return Sccs;
}

void lockOrderInversion(const Graph &G, std::vector<Finding> &Out,
                        LockGraphPicture *Picture = nullptr) {
  const char *Rule = rules::LockOrderInversion;
  LockNames Locks(G);
  LockGraph LG(G, Locks);

  // Every witness per edge, keyed by the modes, so a cycle can be checked
  // with the most conflicting combination.
  using Witnesses = std::map<int, LockEdge>;
  std::vector<std::map<int, Witnesses>> Edges(Locks.size());
  // The first witness of an edge and modes is the one kept; calls under a
  // lock offer the same edges again and again, so test that cheaply first.
  std::unordered_set<uint64_t> Witnessed;
  auto AddEdge = [&](int From, bool FromShared, int To, const LockEdge &E) {
    int Modes = FromShared * 2 + E.ToShared;
    if (Witnessed
            .insert(uint64_t(From) << 34 | uint64_t(To) << 2 | uint64_t(Modes))
            .second)
      Edges[From][To].emplace(Modes, E);
  };
  auto SelfDeadlock = [&](const FunctionFact &F, const SourceLoc &At,
                          const HeldLock &H, const std::string &Msg,
                          std::vector<Note> Through) {
    Finding Fd = makeFinding(Rule, At, Msg, F.Name);
    Fd.Notes.push_back({H.AcquiredAt, "'" + H.Id + "' first acquired here"});
    Fd.Notes.insert(Fd.Notes.end(), Through.begin(), Through.end());
    Out.push_back(std::move(Fd));
  };

  for (unsigned Id = 0; Id < G.size(); ++Id) {
    const FunctionFact &F = G.fn(Id);
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
        LockEdge E{&H, &A.At, A.Lock.Shared, &F.Name};
        E.Direct = &A;
        if (A.MergeWith == H.Id)
          E.Fix = &A.MergeFix;
        AddEdge(Locks.id(H.Id), H.Shared, Locks.id(A.Lock.Id), E);
      }
    }
    for (unsigned I = 0; I < F.Calls.size(); ++I) {
      const CallFact &C = F.Calls[I];
      int Callee = G.callee(Id, I);
      if (C.Held.empty() || Callee < 0)
        continue;
      for (const auto &H : C.Held) {
        if (H.Param >= 0)
          continue;
        int HeldId = Locks.id(H.Id);
        for (const auto &[K, A] : LG.Acquires[Callee]) {
          auto Mapped = LG.mapToCaller(C, K, A);
          if (!Mapped)
            continue;
          int To = Mapped->first;
          if (To == HeldId) {
            if (!H.Recursive && !(H.Shared && A.Shared) &&
                sameInstance(H.Instance, *Mapped->second)) {
              std::vector<Note> Through{callNote(F, C)};
              auto Rest = LG.throughCalls(Callee, K);
              Through.insert(Through.end(), Rest.begin(), Rest.end());
              SelfDeadlock(F, C.At, H,
                           "call to '" + displayName(C.CalleeName) +
                               "' acquires '" + H.Id +
                               "', which is already held: a non-recursive "
                               "mutex deadlocks on itself",
                           Through);
            }
            continue;
          }
          LockEdge E{&H, &C.At, A.Shared, &F.Name};
          E.Fn = Id;
          E.Call = I;
          E.Key = K;
          AddEdge(HeldId, H.Shared, To, E);
        }
      }
    }
  }

  // Orders the source declares (ACQUIRED_BEFORE) are edges too: code that
  // takes the locks the other way round inverts them.
  std::deque<HeldLock> DeclaredFirst;
  for (const DeclaredOrder &O : G.P.orders()) {
    HeldLock &First = DeclaredFirst.emplace_back();
    First.Id = O.First;
    First.AcquiredAt = O.At;
    static const std::string Declared = "(declared order)";
    LockEdge E{&First, &O.At, false, &Declared};
    E.Declared = &O;
    AddEdge(Locks.id(O.First), false, Locks.id(O.Second), E);
  }
  if (Picture)
    for (size_t From = 0; From < Edges.size(); ++From)
      for (const auto &[To, W] : Edges[From])
        Picture->Edges.insert({std::string(Locks.name(From)),
                               std::string(Locks.name(To))});

  std::vector<int> SccOf(Locks.size(), -1);
  auto Sccs = components(Edges);
  for (size_t I = 0; I < Sccs.size(); ++I)
    for (int V : Sccs[I])
      SccOf[V] = I;

  std::set<std::vector<int>> Seen;
  for (size_t SccIdx = 0; SccIdx < Sccs.size(); ++SccIdx) {
    auto InScc = [&](int V) { return SccOf[V] == static_cast<int>(SccIdx); };
    // Each edge of the component closes its shortest cycle; distinct cycles
    // are reported once each.
    unsigned Budget = 200;
    for (int U : Sccs[SccIdx])
      for (const auto &[V, W0] : Edges[U]) {
        if (!InScc(V) || Budget == 0)
          continue;
        --Budget;
        std::map<int, int> Prev;
        std::deque<int> Queue{V};
        Prev[V] = -1;
        while (!Queue.empty() && !Prev.count(U)) {
          int X = Queue.front();
          Queue.pop_front();
          for (const auto &[Y, W] : Edges[X])
            if (InScc(Y) && !Prev.count(Y)) {
              Prev[Y] = X;
              Queue.push_back(Y);
            }
        }
        if (!Prev.count(U))
          continue;
        std::vector<int> Cycle;
        for (int C = U; C >= 0; C = Prev[C])
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
              if (Pick[J]->ToShared && Pick[(J + 1) % K]->From->Shared)
                return false;
            return true;
          }
          for (const auto &[Modes, E] :
               Edges[Cycle[I]].at(Cycle[(I + 1) % K])) {
            Pick[I] = &E;
            if (Choose(I + 1))
              return true;
          }
          return false;
        };
        if (K > 6 || !Choose(0))
          continue;
        std::vector<std::string> Names;
        for (int L : Cycle)
          Names.emplace_back(Locks.name(L));
        if (Picture)
          for (size_t J = 0; J < K; ++J)
            Picture->CycleEdges.insert({Names[J], Names[(J + 1) % K]});
        std::string Order;
        for (const auto &L : Names)
          Order += "'" + L + "' -> ";
        Order += "'" + Names.front() + "'";
        const LockEdge *Last = Pick.back();
        Finding Fd = makeFinding(
            Rule, *Last->To,
            K == 2 ? "lock order inversion: '" + Names.front() +
                         "' is acquired while '" + Names.back() +
                         "' is held, but elsewhere '" + Names.back() +
                         "' is acquired while '" + Names.front() + "' is held"
                   : "lock order inversion: '" + Names.front() +
                         "' is acquired while '" + Names.back() +
                         "' is held, closing the cycle " + Order,
            *Last->Function);
        for (const LockEdge *E : Pick) {
          Fd.Notes.push_back({E->From->AcquiredAt,
                              "'" + E->From->Id + "' held here (in '" +
                                  displayName(*E->Function) + "')"});
          for (auto &N : E->through(LG))
            Fd.Notes.push_back(std::move(N));
        }
        if (Last->Fix)
          Fd.Fixes = Last->Fix->vec();
        Out.push_back(std::move(Fd));
      }
  }
}

/// Parameters that get a deadline on every path through a function,
/// directly or by passing them to a function that sets one.
std::vector<std::set<int>> deadlineParams(const Graph &G) {
  std::vector<std::set<int>> Out(G.size());
  std::vector<unsigned> Passing; // Functions that pass a parameter on.
  for (unsigned Id = 0; Id < G.size(); ++Id) {
    const FunctionFact &F = G.fn(Id);
    Out[Id].insert(F.DeadlineParams.begin(), F.DeadlineParams.end());
    if (!F.DeadlineParamCalls.empty())
      Passing.push_back(Id);
  }
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (unsigned Id : Passing)
      for (const auto &[P, Call] : G.fn(Id).DeadlineParamCalls) {
        int Callee = G.id(Call.first);
        if (Callee >= 0 && Out[Callee].count(Call.second) &&
            Out[Id].insert(P).second)
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
    int Id = G.id(Usr);
    return Id >= 0 && Deadlines[Id].count(Arg);
  };
  // Callers that pass an unbounded socket as parameter I of a function,
  // found transitively through callers that pass their own parameter on.
  std::function<bool(unsigned, int, unsigned, std::vector<Note> &)>
      FromSocket = [&](unsigned Callee, int Param, unsigned Depth,
                       std::vector<Note> &Why) -> bool {
    if (Depth > 8)
      return false;
    for (const CallRef &R : G.callers(Callee)) {
      const FunctionFact *Caller = &G.fn(R.Caller);
      const CallFact &C = Caller->Calls[R.Call];
      for (const FdArg &A : C.FdArgs) {
        bool ByHelper = false;
        for (const auto &[Callee, Arg] : A.ViaCalls)
          ByHelper |= SetsDeadline(Callee, Arg);
        if (A.Index != Param || A.Bounded || ByHelper)
          continue;
        std::vector<Note> Chain;
        bool Socket = A.KnownSocket ||
                      (A.Param >= 0 &&
                       FromSocket(R.Caller, A.Param, Depth + 1, Chain));
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
  for (const FunctionFact *F : G.P.functions())
    Members.insert(F->DeadlineMembers.begin(), F->DeadlineMembers.end());
  auto MemberBounded = [&](const ReadFact &R) {
    if (R.Key.compare(0, 7, "member:") != 0)
      return false;
    bool Async = R.Mode == "async";
    if (Members.count(R.Key) || (Async && Members.count(R.Key + "#async")))
      return true;
    std::string Class = R.Key.substr(7, R.Key.rfind("::") - 7);
    return Async && Members.count("class:" + Class + "#async");
  };

  for (unsigned Id = 0; Id < G.size(); ++Id)
    for (const ReadFact &R : G.fn(Id).Reads) {
      const FunctionFact &F = G.fn(Id);
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
          (R.Param >= 0 ? !FromSocket(Id, R.Param, 0, Why) : !R.KnownSocket))
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
  Graph G(P, false);
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
  bool Threaded = P.functions().size() >= 10000;
  Graph G(P, Threaded);
  auto On = [&](const char *Rule) { return Enabled.count(Rule) != 0; };
  // The rules only read the graph, so a whole-program run checks them side
  // by side: lock-order (the longest) against the chain of rules that share
  // the blocking summaries and the loop entries. Each rule writes its own
  // findings, joined in a fixed order.
  enum { UnderLock, OnLoop, LockOrder, Read, Foreign, Channel, NumRules };
  std::vector<std::vector<Finding>> Found(NumRules);
  std::vector<std::function<void()>> Tasks;
  if (On(rules::LockOrderInversion))
    Tasks.push_back([&] { lockOrderInversion(G, Found[LockOrder]); });
  if (On(rules::BlockingUnderLock) || On(rules::BlockingOnEventLoop) ||
      On(rules::ForeignCallWithoutHandoff))
    Tasks.push_back([&] {
      std::optional<MayBlock> MB;
      if (On(rules::BlockingUnderLock) || On(rules::BlockingOnEventLoop))
        MB.emplace(G);
      if (On(rules::BlockingUnderLock))
        blockingUnderLock(G, *MB, Found[UnderLock]);
      std::vector<Entry> Entries;
      if (On(rules::BlockingOnEventLoop) || On(rules::ForeignCallWithoutHandoff))
        Entries = entries(G, Rules, Opts);
      if (On(rules::BlockingOnEventLoop))
        blockingOnEventLoop(G, *MB, Entries, Rules, Found[OnLoop]);
      if (On(rules::ForeignCallWithoutHandoff))
        foreignCallWithoutHandoff(G, Entries, Rules, Opts, Found[Foreign]);
    });
  if (On(rules::ReadWithoutDeadline))
    Tasks.push_back([&] { readWithoutDeadline(G, Opts, Found[Read]); });
  if (On(rules::ChannelSelfDeadlock))
    Tasks.push_back([&] { channelSelfDeadlock(P, Found[Channel]); });
  std::atomic<size_t> Next{0};
  auto Worker = [&] {
    for (size_t I = Next++; I < Tasks.size(); I = Next++)
      Tasks[I]();
  };
  // A TU's facts (the clang-tidy checks: one rule, a few functions) are not
  // worth a thread.
  unsigned Threads =
      Threaded ? std::min<unsigned>(
                     std::max(1u, std::thread::hardware_concurrency()),
                     Tasks.size())
               : 1;
  std::vector<std::thread> Pool;
  for (unsigned T = 1; T < Threads; ++T)
    Pool.emplace_back(Worker);
  Worker();
  for (auto &T : Pool)
    T.join();
  std::vector<Finding> Out;
  for (auto &V : Found)
    std::move(V.begin(), V.end(), std::back_inserter(Out));
  std::sort(Out.begin(), Out.end());
  Out.erase(std::unique(Out.begin(), Out.end(),
                        [](const Finding &A, const Finding &B) {
                          return !(A < B) && !(B < A);
                        }),
            Out.end());
  return Out;
}

} // namespace blockwatch
