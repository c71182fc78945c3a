//===- Analysis.h - facts in, findings out --------------------------------===//
//
// The one implementation of every rule. The clang-tidy checks run it over the
// facts of the TU being checked; the driver runs it over the facts of every
// TU merged by USR. Nothing here sees the AST.
//
//===----------------------------------------------------------------------===//
#ifndef BLOCKWATCH_ANALYSIS_H
#define BLOCKWATCH_ANALYSIS_H

#include "BoundedRegex.h"
#include "Facts.h"
#include "RuleSet.h"

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace blockwatch {

namespace rules {
inline constexpr const char *BlockingOnEventLoop =
    "blockwatch-blocking-on-event-loop";
inline constexpr const char *ReadWithoutDeadline =
    "blockwatch-read-without-deadline";
inline constexpr const char *ChannelSelfDeadlock =
    "blockwatch-channel-self-deadlock";
inline constexpr const char *LockOrderInversion =
    "blockwatch-lock-order-inversion";
inline constexpr const char *ForeignCallWithoutHandoff =
    "blockwatch-foreign-call-without-handoff";
inline constexpr const char *BlockingUnderLock =
    "blockwatch-blocking-under-lock";
} // namespace rules

/// One piece of evidence: a location and what happens there.
struct Note {
  SourceLoc At;
  std::string Message;
};

struct Finding {
  std::string Rule;
  SourceLoc At;
  std::string Message;
  std::string Function; ///< Enclosing function, for fingerprints.
  /// Evidence shown as notes and SARIF related locations.
  std::vector<Note> Notes;
  /// The path from where the context starts to the finding (SARIF codeFlows).
  std::vector<Note> Flow;
  std::vector<FixFact> Fixes;
  /// Set by the driver: a stable identity for baselines and code scanning.
  std::string Fingerprint;
  /// Set by the driver: silenced by a NOLINT comment in the source.
  bool Suppressed = false;
  bool operator<(const Finding &O) const;
};

struct AnalysisOptions {
  /// C++20 coroutines whose task type no pack names count as loop code.
  bool UnknownCoroutinesOnLoop = true;
  /// Only C-linkage declarations from headers matching this count as
  /// foreign; unset: any header outside the system headers. A bounded
  /// regex: a repository's configuration can set it.
  std::shared_ptr<const llvm::Regex> ForeignHeaders;
  /// Every unclassified C-linkage call counts, system headers included.
  bool StrictForeign = false;
  /// The deadline the read-without-deadline fix-it sets on a stream.
  std::string ReadTimeout = "std::chrono::seconds(30)";
};

/// Facts of one or many TUs, merged by USR. Functions get dense ids in USR
/// order, so every rule iterates deterministically whatever the order in
/// which TUs were added, and the analysis indexes arrays instead of
/// comparing USR strings.
class Program {
public:
  void add(const TuFacts &TU);
  void add(TuFacts &&TU);
  /// Every function, in USR order; its position is its id.
  const std::vector<const FunctionFact *> &functions() const;
  /// The id of \p Usr, or -1 when no TU mentions it.
  int id(std::string_view Usr) const;
  const FunctionFact *find(std::string_view Usr) const {
    int I = id(Usr);
    return I < 0 ? nullptr : functions()[I];
  }
  const std::vector<DeclaredOrder> &orders() const { return Orders; }

private:
  void insert(FunctionFact &&F);
  // A deque keeps facts in place, so the index can view their USRs.
  std::deque<FunctionFact> Storage;
  std::unordered_map<std::string_view, unsigned> ByUsr; ///< Into Storage.
  std::vector<DeclaredOrder> Orders;
  void sort() const;
  mutable std::vector<const FunctionFact *> Sorted;
  mutable std::vector<unsigned> Rank; ///< Storage index -> id.
  mutable bool Dirty = false;
};

/// Runs the rules in \p Enabled over \p P; findings come back sorted and
/// without duplicates.
std::vector<Finding> analyze(const Program &P, const RuleSet &Rules,
                             const AnalysisOptions &Opts,
                             const std::set<std::string> &Enabled);

/// The lock-order graph in Graphviz form, with the edges of reported cycles
/// in red.
std::string lockGraphDot(const Program &P);

/// "::std::mutex::lock" -> "std::mutex::lock"
std::string displayName(const std::string &QualName);

} // namespace blockwatch

#endif
