//===- Reporters.h - text, JSON and SARIF output --------------------------===//
#ifndef BLOCKWATCH_REPORTERS_H
#define BLOCKWATCH_REPORTERS_H

#include "analysis/Analysis.h"

#include <ostream>
#include <string>
#include <vector>

namespace blockwatch {

/// A TU that could not be analysed, with clang's own messages.
struct TuFailure {
  std::string File;
  std::string Message;
};

struct RunResult {
  std::vector<Finding> Findings;
  std::vector<TuFailure> Failures;
  std::vector<std::string> EnabledRules;
  bool Baselined = false; ///< Results carry baselineState.
};

/// Metadata of a rule, shown in --list-rules and in SARIF.
struct RuleInfo {
  const char *Id;
  const char *Name;
  const char *Short;
  const char *Full;
  const char *Bad;
  const char *Good;
  const char *Precision;
  const char *Severity; ///< problem.severity: error, warning, recommendation
  bool Implemented;
};
const std::vector<RuleInfo> &allRules();

struct ReportOptions {
  bool Color = false;
  std::string SrcRoot; ///< Absolute, with a trailing '/'.
};

void writeText(std::ostream &OS, const RunResult &R, const ReportOptions &O);
void writeJson(std::ostream &OS, const RunResult &R, const ReportOptions &O);
void writeSarif(std::ostream &OS, const RunResult &R, const ReportOptions &O);

} // namespace blockwatch

#endif
