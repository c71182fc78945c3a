//===- LockOrderInversionCheck.cpp --------------------------------------------===//
#include "LockOrderInversionCheck.h"

namespace clang::tidy::blockwatch {

LockOrderInversionCheck::LockOrderInversionCheck(StringRef Name, ClangTidyContext *Context)
    : BlockwatchCheck(Name, Context, ::blockwatch::rules::LockOrderInversion) {}

} // namespace clang::tidy::blockwatch
