//===- Extract.h - one TU in, facts out -----------------------------------===//
#ifndef BLOCKWATCH_EXTRACT_H
#define BLOCKWATCH_EXTRACT_H

#include "analysis/Facts.h"
#include "analysis/RuleSet.h"

#include <cstdint>
#include <string>
#include <vector>

namespace clang::tooling {
class CompilationDatabase;
}

namespace blockwatch {

/// A file a TU read, as it was when the TU was parsed.
struct FileStamp {
  std::string Path;
  uint64_t Size = 0;
  int64_t MTimeNs = 0;
  bool operator==(const FileStamp &O) const {
    return Path == O.Path && Size == O.Size && MTimeNs == O.MTimeNs;
  }
};
/// The stamp of \p Path now; Size is UINT64_MAX when it cannot be read.
FileStamp stampOf(const std::string &Path);

struct TuOutcome {
  enum Status { Ok, Failed, Crashed } S = Failed;
  TuFacts Facts;
  std::string Errors;           ///< Clang's own messages.
  std::vector<FileStamp> Deps;  ///< The main file and every included file.
  bool FromCache = false;
};

/// Parses \p File with its command from \p Db and collects its facts. A crash
/// inside clang or the collector is contained and reported as Crashed.
TuOutcome extractTu(const clang::tooling::CompilationDatabase &Db,
                    const std::string &File, const RuleSet &Rules,
                    const std::string &ResourceDir);

/// What makes a TU's facts what they are: its command and the rule packs.
std::string tuKey(const clang::tooling::CompilationDatabase &Db,
                  const std::string &File, const RuleSet &Rules);

} // namespace blockwatch

#endif
