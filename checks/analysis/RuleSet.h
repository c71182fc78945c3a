//===- RuleSet.h - API knowledge loaded from rule packs -------------------===//
//
// Everything blockwatch knows about APIs (what blocks, which types are locks,
// where event-loop code starts, what hands work to another thread) lives in
// JSON rule packs. This is their in-memory form and the strict loader; the
// analysis code never names an API itself. The format is documented in
// docs/rules.md.
//
//===----------------------------------------------------------------------===//
#ifndef BLOCKWATCH_RULESET_H
#define BLOCKWATCH_RULESET_H

#include "BoundedRegex.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace blockwatch {

/// Matches a qualified name ("::std::mutex::lock") exactly or by regex.
struct NamePattern {
  std::string Exact;
  std::string RegexText;
  std::shared_ptr<const llvm::Regex> Regex;
  std::string Required; ///< Text every match of Regex contains.
  /// Every name Regex matches, when that is a short list (sorted).
  std::vector<std::string> Names;
  bool matches(const std::string &QualName) const;
  const std::string &text() const { return Regex ? RegexText : Exact; }
};

/// A condition on one argument of a call.
struct ArgCondition {
  enum Kind { Equals, HasFlag, TypeMatches, Missing, DurationBelow } K = Equals;
  int Arg = 0; ///< -1 means the last argument.
  long long Value = 0; ///< DurationBelow: nanoseconds.
  NamePattern Type; ///< For TypeMatches: the argument's qualified type name.
};

/// Where a rule-pack entry was written, for messages and provenance.
struct Origin {
  std::string File;
  unsigned Line = 0;
};

/// A rewrite of a blocking call, valid in one context kind.
struct BlockingFix {
  std::string Context;
  std::string ReplaceCallee; ///< New spelling of the callee, or
  std::string ReplaceCall;   ///< the whole call, with $0.. for arguments and
                             ///< $qual for the callee's written qualifier.
  /// Valid only directly in a coroutine (co_await needs one), optionally
  /// of a task type matching TaskType.
  bool InCoroutine = false;
  NamePattern TaskType;
};

struct BlockingApi {
  NamePattern Name;
  std::string Kind;
  std::vector<ArgCondition> Unless; ///< Any matching condition: not blocking.
  std::string Alternative;
  int ReleasesArg = -1; ///< Condition waits: argument whose lock is released.
  /// The descriptor argument, for calls that return at once on a descriptor
  /// made non-blocking; -1 when the call blocks regardless.
  int FdArg = -1;
  static constexpr int ObjectFd = -2; ///< FdArg: the call's object.
  /// Blocks only in these contexts (std::this_thread::yield stalls a fiber
  /// scheduler's thread, nothing else); empty: everywhere.
  std::vector<std::string> OnlyIn;
  std::vector<BlockingFix> Fixes;
  /// The call runs the event loop of its object on the calling thread
  /// (io_context::run): in a handler scheduled on that same loop it
  /// dispatches the loop's other handlers rather than stalling them.
  bool RunsLoop = false;
  Origin From;
};

struct MutexType {
  NamePattern Type;
  bool Recursive = false;
  bool Shared = false;
  bool BlocksThread = true; ///< False for fiber mutexes: they park the fiber.
  std::map<std::string, std::string> Methods; ///< method name -> operation.
  Origin From;
};

struct GuardType {
  NamePattern Type;
  bool SharedMode = false;
  bool Multi = false;      ///< Locks every mutex argument, in no order.
  bool Relockable = false; ///< Has lock()/unlock()/release() and tags.
  std::map<std::string, std::string> Methods;
  Origin From;
};

struct LockTag {
  NamePattern Type;
  std::string Effect; ///< defer, try, adopt
};

struct LockFunction {
  NamePattern Name;
  std::string Op; ///< lock, unlock, try_lock, lock_shared, ..., lock_all
  int Arg = 0;
  Origin From;
};

/// A call that starts code on a loop thread (entry) or on another thread
/// (handoff). The callable argument is resolved by the collector.
struct SpawnApi {
  NamePattern Call;
  int CallableArg = -1; ///< -1: last argument; -2: every callable argument.
  std::string Context;  ///< Empty for handoffs.
  std::vector<ArgCondition> When;
  std::vector<ArgCondition> Unless;
  bool Handoff = false;
  /// The argument naming the loop the callable is scheduled on (an
  /// io_context or its executor); -1: none, ObjectLoop: the call's object.
  int LoopArg = -1;
  static constexpr int ObjectLoop = -2;
  Origin From;
};

/// A call that makes a descriptor non-blocking when its conditions hold:
/// the descriptor is argument FdArg, or the result when FdArg is -1.
struct FdSetter {
  NamePattern Name;
  int FdArg = -1;
  bool Object = false; ///< The call's object: 'sock.non_blocking(true)'.
  std::vector<ArgCondition> When;
};

/// Where a socket descriptor or stream comes from, is read, or gets a
/// deadline. FdArg -1 is the call's result (sources) or its object
/// (reads and setters: 'sock.async_read_some', 'stream.expires_after').
struct SocketCall {
  NamePattern Name;
  int FdArg = 0;
  bool Object = false;
  /// Reads: "posix" (only on known sockets), "sync" (a blocking library
  /// read), "async". Setters: the reads they bound: "all" or "async".
  std::string Mode;
  std::string Family; ///< posix, asio, beast: picks the advice.
  /// Reads: the call works on sockets only (recv), so its descriptor is a
  /// socket wherever it came from.
  bool SocketOnly = false;
  /// Setters: an option that stays on the socket (SO_RCVTIMEO, a websocket
  /// timeout), unlike a one-shot expiry, so it counts in every method.
  bool Persistent = false;
  /// Setters: the call removes the deadline ('expires_never'): reads after
  /// it are unbounded again until another setter.
  bool Clears = false;
  /// Reads: a datagram receive, which waits for a peer only once this
  /// socket has addressed one (a client awaiting its reply); a server
  /// waiting for any client is not waiting on a peer that could go silent.
  bool ReplyOnly = false;
  std::vector<ArgCondition> When;
  std::vector<ArgCondition> Unless;
};

/// A call that keeps a loop running without giving it work or binding I/O
/// to it (asio::make_work_guard).
struct WorkGuardApi {
  NamePattern Name;
  int LoopArg = 0; ///< SpawnApi::ObjectLoop: the call's object.
  Origin From;
};

/// A channel type and what its methods do (channel-self-deadlock).
struct ChannelType {
  NamePattern Type;
  /// Items the channel holds before a send waits: constructor argument
  /// CapacityArg (-1: none), or Capacity when there is none or it is
  /// defaulted; one less when HoldsOneLess (Boost.Fiber's ring buffer).
  int CapacityArg = -1;
  long long Capacity = 0;
  bool HoldsOneLess = false;
  bool PowerOfTwo = false; ///< The capacity argument must be a power of two.
  bool Awaited = false;    ///< Sends and receives wait only when co_awaited.
  std::string Task = "thread"; ///< Who waits, for messages: fiber, coroutine.
  /// A channel type with a capacity argument to suggest instead (its last
  /// name component replaces the template name in the declaration).
  std::string GrowInto;
  /// Method name -> send, receive, try_send, try_receive, timed_send,
  /// timed_receive or close.
  std::map<std::string, std::string> Ops;
  Origin From;
};

struct TypedContext {
  NamePattern Type;
  std::string Context;
};

struct ContextInfo {
  std::string Name;
  std::string Thread;  ///< "the event loop's thread"
  std::string Handoff; ///< Advice on moving blocking work off the thread.
  std::string Entry;   ///< "the fiber started": how a spawned entry reads.
  /// Every thread-blocking mutex acquisition counts as blocking (a fiber
  /// scheduler deadlocks when two of its fibers contend); otherwise only one
  /// of a mutex some code holds across a blocking call.
  bool AllLockWaits = false;
};

class RuleSet {
public:
  /// Loads the packs compiled into the binary.
  bool loadBuiltin(std::vector<std::string> &Errors);
  /// Loads one pack from \p Text; \p File names it in errors.
  bool loadText(const std::string &File, const std::string &Text,
                std::vector<std::string> &Errors);
  /// Loads a pack from a regular file of at most MaxPackBytes.
  bool loadFile(const std::string &Path, std::vector<std::string> &Errors);
  /// Some two thousand times the largest built-in pack.
  static constexpr unsigned long long MaxPackBytes = 16ull << 20;

  /// Reports contexts used but declared by no loaded pack.
  bool checkContextRefs(std::vector<std::string> &Errors) const;
  /// Builtin packs plus the comma- or semicolon-separated \p ExtraFiles.
  static std::shared_ptr<const RuleSet>
  create(const std::string &ExtraFiles, std::vector<std::string> &Errors);

  const BlockingApi *blocking(const std::string &QualName) const;
  bool isNonBlocking(const std::string &QualName) const;
  bool isForeignApi(const std::string &QualName) const;
  bool isForeignPointerSource(const std::string &QualName) const;
  const MutexType *mutex(const std::string &TypeName) const;
  const GuardType *guard(const std::string &TypeName) const;
  const LockTag *lockTag(const std::string &TypeName) const;
  const LockFunction *lockFunction(const std::string &QualName) const;
  std::vector<const SpawnApi *> spawns(const std::string &QualName) const;
  const TypedContext *taskType(const std::string &TypeName) const;
  const TypedContext *entryParameter(const std::string &TypeName) const;
  const FdSetter *fdSetter(const std::string &QualName) const;
  const ChannelType *channel(const std::string &TypeName) const;
  const SocketCall *socketSource(const std::string &QualName) const;
  const SocketCall *socketRead(const std::string &QualName) const;
  std::vector<const SocketCall *> deadlineSetters(const std::string &Q) const;
  const SocketCall *readinessWait(const std::string &QualName) const;
  const SocketCall *timerArm(const std::string &QualName) const;
  const SocketCall *peerContact(const std::string &QualName) const;
  const WorkGuardApi *workGuard(const std::string &QualName) const;
  bool isInvoker(const std::string &QualName) const;
  bool isBinder(const std::string &QualName) const;
  const ContextInfo &context(const std::string &Name) const;

  /// Identifies the packs' content; facts made with other packs don't mix.
  const std::string &digest() const { return Digest; }
  const std::vector<std::string> &packNames() const { return PackNames; }

private:
  template <typename T> struct Table {
    std::unordered_map<std::string, std::vector<size_t>> Exact;
    std::vector<size_t> Regexes;
    /// Regexes that match a short list of names, by name: they rank with
    /// the other regexes, after the exact entries.
    std::unordered_map<std::string, std::vector<size_t>> Listed;
    std::vector<T> Items;
    /// Regex results per name: a TU asks about the same callees again and
    /// again, and a regex match costs far more than a hash lookup. Shared
    /// by the driver's threads.
    mutable std::unordered_map<std::string, std::vector<size_t>> RegexHits;
    mutable std::mutex RegexMu;
    void add(T Item, const NamePattern &P);
    std::vector<const T *> findAll(const std::string &Name) const;
    const T *find(const std::string &Name) const;
  };

  Table<BlockingApi> Blocking;
  Table<NamePattern> NonBlocking, Foreign, ForeignPointers, Invokers, Binders;
  Table<MutexType> Mutexes;
  Table<GuardType> Guards;
  Table<LockTag> Tags;
  Table<LockFunction> LockFunctions;
  Table<SpawnApi> Spawns;
  Table<FdSetter> FdSetters;
  Table<WorkGuardApi> WorkGuards;
  Table<ChannelType> Channels;
  Table<SocketCall> SocketSources, SocketReads, DeadlineSetters,
      ReadinessWaits, TimerArms, PeerContacts;
  Table<TypedContext> TaskTypes, EntryParams;
  std::map<std::string, ContextInfo> Contexts;
  std::vector<std::string> PackNames;
  std::string Digest;
  std::string DigestInput;
  std::map<std::string, std::string> SeenEntries;
  std::vector<std::pair<std::string, std::string>> ContextRefs;
};

} // namespace blockwatch

#endif
