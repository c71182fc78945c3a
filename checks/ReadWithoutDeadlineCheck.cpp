//===- ReadWithoutDeadlineCheck.cpp --------------------------------------------===//
#include "ReadWithoutDeadlineCheck.h"

namespace clang::tidy::blockwatch {

ReadWithoutDeadlineCheck::ReadWithoutDeadlineCheck(StringRef Name, ClangTidyContext *Context)
    : BlockwatchCheck(Name, Context, ::blockwatch::rules::ReadWithoutDeadline) {}

} // namespace clang::tidy::blockwatch
