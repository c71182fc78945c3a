//===- ChannelSelfDeadlockCheck.cpp --------------------------------------------===//
#include "ChannelSelfDeadlockCheck.h"

namespace clang::tidy::blockwatch {

ChannelSelfDeadlockCheck::ChannelSelfDeadlockCheck(StringRef Name, ClangTidyContext *Context)
    : BlockwatchCheck(Name, Context, ::blockwatch::rules::ChannelSelfDeadlock) {}

} // namespace clang::tidy::blockwatch
