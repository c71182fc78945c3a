//===- BlockingOnEventLoopCheck.cpp --------------------------------------------===//
#include "BlockingOnEventLoopCheck.h"

namespace clang::tidy::blockwatch {

BlockingOnEventLoopCheck::BlockingOnEventLoopCheck(StringRef Name, ClangTidyContext *Context)
    : BlockwatchCheck(Name, Context, ::blockwatch::rules::BlockingOnEventLoop) {
  AnalysisOpts.UnknownCoroutinesOnLoop =
      Options.get("UnknownCoroutinesOnLoop", true);
}

void BlockingOnEventLoopCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  BlockwatchCheck::storeOptions(Opts);
  Options.store(Opts, "UnknownCoroutinesOnLoop",
                AnalysisOpts.UnknownCoroutinesOnLoop);
}

} // namespace clang::tidy::blockwatch
