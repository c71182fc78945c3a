//===- BlockingUnderLockCheck.cpp --------------------------------------------===//
#include "BlockingUnderLockCheck.h"

namespace clang::tidy::blockwatch {

BlockingUnderLockCheck::BlockingUnderLockCheck(StringRef Name, ClangTidyContext *Context)
    : BlockwatchCheck(Name, Context, ::blockwatch::rules::BlockingUnderLock) {}

} // namespace clang::tidy::blockwatch
