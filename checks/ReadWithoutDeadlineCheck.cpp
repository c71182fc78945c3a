//===- ReadWithoutDeadlineCheck.cpp --------------------------------------===//
#include "ReadWithoutDeadlineCheck.h"

namespace clang::tidy::blockwatch {

ReadWithoutDeadlineCheck::ReadWithoutDeadlineCheck(StringRef Name,
                                                   ClangTidyContext *Context)
    : BlockwatchCheck(Name, Context, ::blockwatch::rules::ReadWithoutDeadline) {
  AnalysisOpts.ReadTimeout =
      Options.get("Timeout", "std::chrono::seconds(30)").str();
}

void ReadWithoutDeadlineCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  BlockwatchCheck::storeOptions(Opts);
  Options.store(Opts, "Timeout", AnalysisOpts.ReadTimeout);
}

} // namespace clang::tidy::blockwatch
