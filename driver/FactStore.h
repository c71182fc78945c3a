//===- FactStore.h - facts on disk: cache, emit, merge --------------------===//
#ifndef BLOCKWATCH_FACTSTORE_H
#define BLOCKWATCH_FACTSTORE_H

#include "Extract.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace blockwatch {

/// The bytes of \p Path, or nothing when it cannot be read.
std::optional<std::string> readFile(const std::string &Path);

/// Writes \p Text to \p Path through a temporary file and a rename, so a
/// reader never sees half a file. Returns an error message or "".
std::string writeFileAtomically(const std::string &Path,
                                const std::string &Text);

/// The facts cache of --cache-dir: one entry per TU key, valid while every
/// file the TU read is unchanged.
class FactCache {
public:
  explicit FactCache(std::string Dir) : Dir(std::move(Dir)) {}
  std::optional<TuOutcome> lookup(const std::string &Key) const;
  void store(const std::string &Key, const TuOutcome &O) const;

private:
  std::string Dir;
};

/// --emit-facts: one document per TU in \p Dir.
std::string emitFacts(const std::string &Dir, const std::string &Source,
                      const TuFacts &Facts);

/// --merge: every facts document in \p Dir, handed to \p Add in file-name
/// order on the calling thread; errors name the file.
bool readFactsDir(const std::string &Dir, const std::string &RulesDigest,
                  const std::function<void(TuFacts &&)> &Add,
                  std::vector<std::string> &Errors);

} // namespace blockwatch

#endif
