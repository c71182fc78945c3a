//===- BlockingOnEventLoopCheck.h ----------------------------------------------===//
#ifndef BLOCKWATCH_BLOCKINGONEVENTLOOPCHECK_H
#define BLOCKWATCH_BLOCKINGONEVENTLOOPCHECK_H

#include "BlockwatchCheck.h"

namespace clang::tidy::blockwatch {

/// Finds a blocking call reached from a handler, fiber or coroutine that runs on an event-loop or fiber-scheduler thread.
///
/// For the user-facing documentation see:
/// docs/checks/blockwatch-blocking-on-event-loop.md
class BlockingOnEventLoopCheck : public BlockwatchCheck {
public:
  BlockingOnEventLoopCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
};

} // namespace clang::tidy::blockwatch

#endif
