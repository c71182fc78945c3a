//===- BlockingUnderLockCheck.h ----------------------------------------------===//
#ifndef BLOCKWATCH_BLOCKINGUNDERLOCKCHECK_H
#define BLOCKWATCH_BLOCKINGUNDERLOCKCHECK_H

#include "BlockwatchCheck.h"

namespace clang::tidy::blockwatch {

/// Finds a blocking call while a mutex is held.
///
/// For the user-facing documentation see:
/// docs/checks/blockwatch-blocking-under-lock.md
class BlockingUnderLockCheck : public BlockwatchCheck {
public:
  BlockingUnderLockCheck(StringRef Name, ClangTidyContext *Context);
};

} // namespace clang::tidy::blockwatch

#endif
