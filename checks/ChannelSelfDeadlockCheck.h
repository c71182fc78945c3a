//===- ChannelSelfDeadlockCheck.h ----------------------------------------------===//
#ifndef BLOCKWATCH_CHANNELSELFDEADLOCKCHECK_H
#define BLOCKWATCH_CHANNELSELFDEADLOCKCHECK_H

#include "BlockwatchCheck.h"

namespace clang::tidy::blockwatch {

/// Finds a channel operation that can never complete.
///
/// For the user-facing documentation see:
/// docs/checks/blockwatch-channel-self-deadlock.md
class ChannelSelfDeadlockCheck : public BlockwatchCheck {
public:
  ChannelSelfDeadlockCheck(StringRef Name, ClangTidyContext *Context);
};

} // namespace clang::tidy::blockwatch

#endif
