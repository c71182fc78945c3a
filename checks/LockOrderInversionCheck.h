//===- LockOrderInversionCheck.h ----------------------------------------------===//
#ifndef BLOCKWATCH_LOCKORDERINVERSIONCHECK_H
#define BLOCKWATCH_LOCKORDERINVERSIONCHECK_H

#include "BlockwatchCheck.h"

namespace clang::tidy::blockwatch {

/// Finds locks taken in opposite orders on different paths.
///
/// For the user-facing documentation see:
/// docs/checks/blockwatch-lock-order-inversion.md
class LockOrderInversionCheck : public BlockwatchCheck {
public:
  LockOrderInversionCheck(StringRef Name, ClangTidyContext *Context);
};

} // namespace clang::tidy::blockwatch

#endif
