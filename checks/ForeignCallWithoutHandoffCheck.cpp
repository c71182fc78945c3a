//===- ForeignCallWithoutHandoffCheck.cpp --------------------------------------------===//
#include "ForeignCallWithoutHandoffCheck.h"

namespace clang::tidy::blockwatch {

ForeignCallWithoutHandoffCheck::ForeignCallWithoutHandoffCheck(StringRef Name, ClangTidyContext *Context)
    : BlockwatchCheck(Name, Context, ::blockwatch::rules::ForeignCallWithoutHandoff) {}

} // namespace clang::tidy::blockwatch
