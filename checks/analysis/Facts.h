//===- Facts.h - what one translation unit says about itself --------------===//
//
// The checks and the driver collect the same facts from a TU; the analysis
// turns facts (of one TU, or of many merged by USR) into findings. Facts hold
// no pointers into the AST, so they can be cached, written as JSON, shipped
// between machines and merged.
//
//===----------------------------------------------------------------------===//
#ifndef BLOCKWATCH_FACTS_H
#define BLOCKWATCH_FACTS_H

#include "SparseVector.h"

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace blockwatch {

/// A file name stored once per process: every location names a file, and a
/// merge holds millions of locations in a few thousand files. Compares and
/// orders by content, so output does not depend on interning order.
class FileName {
public:
  FileName() : S(&empty_()) {}
  FileName(std::string_view Name) : S(intern(Name)) {}
  FileName(const std::string &Name) : S(intern(Name)) {}
  FileName(const char *Name) : S(intern(Name)) {}
  const std::string &str() const { return *S; }
  operator const std::string &() const { return *S; }
  bool empty() const { return S->empty(); }
  friend bool operator==(const FileName &A, const FileName &B) {
    return A.S == B.S;
  }
  friend bool operator!=(const FileName &A, const FileName &B) {
    return A.S != B.S;
  }
  friend bool operator<(const FileName &A, const FileName &B) {
    return A.S != B.S && *A.S < *B.S;
  }

private:
  const std::string *S;
  static const std::string &empty_();
  static const std::string *intern(std::string_view Name);
};

/// A source range, 1-based lines and byte columns as clang reports them, plus
/// byte offsets for fix-its. End is one past the last character.
struct SourceLoc {
  FileName File;
  unsigned Line = 0, Col = 0, EndLine = 0, EndCol = 0;
  unsigned Offset = 0, EndOffset = 0;
  bool valid() const { return !File.empty() && Line != 0; }
  bool operator<(const SourceLoc &O) const;
  bool operator==(const SourceLoc &O) const;
};

/// A replacement of [Offset, Offset+Length) in File.
struct FixFact {
  std::string File;
  unsigned Offset = 0, Length = 0;
  std::string Text;
  std::string Description;
};

/// A lock as the analysis identifies it: its class (lockdep style), so
/// 'Session::mu_' names the member of every Session.
struct HeldLock {
  std::string Id;
  bool Shared = false;
  bool Recursive = false;
  SourceLoc AcquiredAt;
  /// Which object of the class: "" for a global (one instance), "this",
  /// a variable's name, or "?" when unknown. Self-deadlock needs the same
  /// instance; the order graph uses the class.
  std::string Instance;
  /// The parameter the mutex was passed in, or -1; callers substitute
  /// their argument.
  int Param = -1;
};

/// A mutex passed as argument \p Index of a call.
struct ArgLock {
  int Index = 0;
  std::string Id;
  std::string Instance;
};

/// A descriptor or stream passed as argument \p Index of a call.
struct FdArg {
  int Index = 0;
  std::string Key;      ///< "param:0", "local:fd", "member:Conn::fd_"
  bool KnownSocket = false;
  bool Bounded = false; ///< A deadline holds on every path to the call.
  int Param = -1;       ///< The caller's own parameter, if it is one.
  /// Earlier calls on every path that passed the descriptor on.
  std::vector<std::pair<std::string, int>> ViaCalls;
};

/// A socket read or accept, and what (if anything) bounds its wait.
struct ReadFact {
  std::string Api;
  std::string Mode;   ///< posix, sync, async
  std::string Family; ///< posix, asio, beast
  std::string Fd;     ///< The descriptor or stream as written.
  std::string Key;
  bool KnownSocket = false; ///< Created by a socket source in this TU.
  int Param = -1;           ///< The descriptor is this function's parameter.
  bool Bounded = false;
  /// Calls on every path before the read that pass the descriptor on (a
  /// helper that sets the timeout counts): callee USR and argument.
  std::vector<std::pair<std::string, int>> ViaCalls;
  SourceLoc At;
  /// Insert a stream expiry before the read (Beast); "$timeout" is the
  /// duration from the options.
  std::vector<FixFact> Fixes;
};

struct CallFact {
  std::string Callee;     ///< USR
  std::string CalleeName; ///< Qualified name for messages.
  SourceLoc At;
  std::vector<HeldLock> Held;
  bool ThisCall = false; ///< A member call on this object.
  SparseVector<ArgLock> ArgLocks;
  SparseVector<FdArg> FdArgs;
};

struct BlockingFact {
  std::string Api; ///< Qualified name, e.g. "::recv".
  std::string Kind;
  std::string Alternative;
  std::string ReleasesLock; ///< Condition waits release this lock.
  std::vector<std::string> OnlyIn; ///< Blocks only in these contexts.
  SourceLoc At;
  std::vector<HeldLock> Held;
  /// Fix-its and the context kind each is valid in; Direct ones only when
  /// the call sits in the entry function itself (a coroutine).
  struct ContextFix {
    std::string Context;
    bool Direct = false;
    std::vector<FixFact> Edits;
  };
  std::vector<ContextFix> Fixes;
};

struct SuspendFact {
  std::string What; ///< "co_await" or "co_yield"
  SourceLoc At;
  std::vector<HeldLock> Held;
};

struct AcquireFact {
  HeldLock Lock;
  bool Try = false;
  bool BlocksThread = true;
  std::vector<HeldLock> Held; ///< Locks held before this acquisition.
  SourceLoc At;
  /// When this guard directly follows another plain guard in one scope:
  /// that guard's lock, and the rewrite of both as one std::scoped_lock.
  std::string MergeWith;
  SparseVector<FixFact> MergeFix;
};

/// A callable handed to an API that runs it elsewhere: on a loop thread
/// (an entry, with a context kind) or on another thread (a handoff).
struct SpawnFact {
  std::string Target; ///< USR of the callable's function.
  std::string TargetName;
  std::string Context; ///< Empty for handoffs.
  std::string Via;     ///< The API, e.g. "::boost::asio::post".
  SourceLoc At;
};

/// A channel a function declares as a local (channel-self-deadlock).
struct ChannelFact {
  /// Identity, shared with the lambdas that capture it: its function, name
  /// and declaration ("run::ch@/src/a.cpp:12:3"). Operations on other
  /// channels use the lock naming: "Class::member", "fn::param", "::global".
  std::string Key;
  std::string Name;  ///< For messages: "ch".
  std::string Type;  ///< The pack's type name.
  std::string Task;  ///< Who waits on it: fiber, coroutine, thread.
  long long Holds = -1; ///< Items it holds before a send waits; -1: unknown.
  SourceLoc At;
  /// Edits giving the channel a capacity, "$N" standing for it, and how N
  /// must be chosen: a power of two, holding one less than N.
  std::vector<FixFact> GrowFix;
  bool GrowPowerOfTwo = false;
  bool GrowHoldsOneLess = false;
};

/// One operation on a channel and what may or must have happened to the
/// channel on the paths from the function's entry to it.
struct ChannelOpFact {
  std::string Key;
  std::string Op;     ///< send, receive, try_send, ..., close
  std::string Method; ///< As written: "push".
  bool Blocking = false; ///< Waits for a peer (asio: when co_awaited).
  bool InLoop = false;
  unsigned Order = 0; ///< Position in the function (reverse post-order).
  SourceLoc At;
  unsigned SendsBefore = 0;    ///< Blocking sends on every path.
  unsigned ReceivesBefore = 0; ///< Most receives on any path.
  bool AnySendBefore = false;  ///< Any send or close on some path.
  bool ClosedBefore = false;
  /// The channel reached code not visible here on some path: passed to a
  /// call, its address taken, captured by a lambda that is not started.
  bool OpaqueBefore = false;
  /// Fibers, coroutines and threads started with the channel on some path
  /// (target USRs).
  std::vector<std::string> SpawnedBefore;
};

/// The channel leaves the function: started with a callable (Target is its
/// USR when it captures the channel), or handed to code not visible here
/// (Target empty).
struct ChannelEscapeFact {
  std::string Key;
  std::string Target;
  unsigned Order = 0;
  SourceLoc At;
};

struct ChannelFacts {
  SparseVector<ChannelFact> Channels;
  SparseVector<ChannelOpFact> Ops;
  SparseVector<ChannelEscapeFact> Escapes;
  bool empty() const { return Channels.empty() && Ops.empty() && Escapes.empty(); }
};
void to_json(nlohmann::json &J, const ChannelFacts &F);

struct FunctionFact {
  std::string Usr;
  std::string Name;
  SourceLoc At;
  bool HasBody = false;
  bool ExternC = false;
  bool InSystemHeader = false;
  /// Named by a pack as foreign (JNI, a dlsym'd pointer): foreign even when
  /// a trampoline body is visible.
  bool ForeignApi = false;
  /// Non-empty when the function itself is loop code: a coroutine of a task
  /// type, a function taking a yield context, or a user annotation.
  std::string EntryContext;
  std::string EntryReason;
  std::vector<CallFact> Calls;
  std::vector<BlockingFact> Blocking;
  SparseVector<SuspendFact> Suspends;
  std::vector<AcquireFact> Acquires;
  SparseVector<SpawnFact> Spawns;
  SparseVector<ReadFact> Reads;
  /// Parameters that carry a deadline on every path out of the function,
  /// directly or through the calls listed (callee USR, argument).
  SparseVector<int> DeadlineParams;
  SparseVector<std::pair<int, std::pair<std::string, int>>> DeadlineParamCalls;
  /// Members given a deadline here ("member:...", "#async" for stream
  /// expiries) and classes whose member timer is armed ("class:...#async").
  SparseVector<std::string> DeadlineMembers;
  ChannelFacts Channels;
};

/// A lock order declared in the source (ACQUIRED_BEFORE/ACQUIRED_AFTER).
struct DeclaredOrder {
  std::string First, Second;
  SourceLoc At;
};

struct TuFacts {
  static constexpr int Version = 3;
  std::string MainFile;
  std::string RulesDigest;
  std::vector<FunctionFact> Functions;
  std::vector<DeclaredOrder> Orders;
};

void to_json(nlohmann::json &J, const TuFacts &F);
/// Reads a document to_json wrote. Throws std::runtime_error with a message
/// naming what is wrong (and where, as a byte offset).
void readFacts(std::string_view Text, TuFacts &F);

} // namespace blockwatch

#endif
