//===- ReadWithoutDeadlineCheck.h ----------------------------------------------===//
#ifndef BLOCKWATCH_READWITHOUTDEADLINECHECK_H
#define BLOCKWATCH_READWITHOUTDEADLINECHECK_H

#include "BlockwatchCheck.h"

namespace clang::tidy::blockwatch {

/// Finds a socket read or accept that can wait forever.
///
/// For the user-facing documentation see:
/// docs/checks/blockwatch-read-without-deadline.md
class ReadWithoutDeadlineCheck : public BlockwatchCheck {
public:
  ReadWithoutDeadlineCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
};

} // namespace clang::tidy::blockwatch

#endif
