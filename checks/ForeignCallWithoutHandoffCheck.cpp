//===- ForeignCallWithoutHandoffCheck.cpp --------------------------------===//
#include "ForeignCallWithoutHandoffCheck.h"


namespace clang::tidy::blockwatch {

ForeignCallWithoutHandoffCheck::ForeignCallWithoutHandoffCheck(
    StringRef Name, ClangTidyContext *Context)
    : BlockwatchCheck(Name, Context,
                      ::blockwatch::rules::ForeignCallWithoutHandoff),
      ForeignHeaders(Options.get("ForeignHeaders", "").str()),
      Strict(Options.get("Strict", false)) {
  AnalysisOpts.StrictForeign = Strict;
  AnalysisOpts.UnknownCoroutinesOnLoop =
      Options.getLocalOrGlobal("UnknownCoroutinesOnLoop", true);
  if (!ForeignHeaders.empty()) {
    std::string Error;
    AnalysisOpts.ForeignHeaders = ::blockwatch::compileBoundedRegex(ForeignHeaders, Error);
    if (!AnalysisOpts.ForeignHeaders)
      configurationDiag("invalid ForeignHeaders: %0") << Error;
  }
}

void ForeignCallWithoutHandoffCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  BlockwatchCheck::storeOptions(Opts);
  Options.store(Opts, "ForeignHeaders", ForeignHeaders);
  Options.store(Opts, "Strict", Strict);
}

} // namespace clang::tidy::blockwatch
