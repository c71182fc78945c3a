//===- PostProcess.h - what the driver does with findings -----------------===//
#ifndef BLOCKWATCH_POSTPROCESS_H
#define BLOCKWATCH_POSTPROCESS_H

#include "Extract.h"
#include "analysis/Analysis.h"

#include <map>
#include <string>
#include <vector>

namespace blockwatch {

/// clang-tidy's check globs: comma-separated, '-' negates, last match wins.
bool globMatches(const std::string &Globs, const std::string &Name);

/// Fingerprints that survive edits elsewhere: rule, enclosing function and
/// the normalized code of the site, numbered when they repeat.
void assignFingerprints(std::vector<Finding> &Findings);

/// Marks findings silenced by NOLINT, NOLINTNEXTLINE or NOLINTBEGIN/END,
/// as clang-tidy reads them.
void markSuppressed(std::vector<Finding> &Findings);

/// Reads the fingerprints of a SARIF log; false with \p Error on bad input.
bool readBaseline(const std::string &Path, std::multiset<std::string> &Out,
                  std::string &Error);
/// The same for a log already read; \p Path only names it in \p Error.
bool readBaselineText(const std::string &Path, const std::string &Text,
                      std::multiset<std::string> &Out, std::string &Error);

/// clang-apply-replacements YAML of the findings' fix-its.
std::string fixesYaml(const std::vector<Finding> &Findings);

/// Applies the fix-its of \p Findings. Files changed since they were parsed
/// (per \p Stamps) are refused; overlapping fixes are skipped. Returns the
/// files written; problems go to \p Errors.
std::vector<std::string>
applyFixes(const std::vector<Finding> &Findings,
           const std::map<std::string, FileStamp> &Stamps,
           std::map<std::string, std::string> &Originals,
           std::vector<std::string> &Errors);

} // namespace blockwatch

#endif
