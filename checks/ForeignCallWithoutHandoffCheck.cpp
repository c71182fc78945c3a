//===- ForeignCallWithoutHandoffCheck.cpp --------------------------------===//
#include "ForeignCallWithoutHandoffCheck.h"

#include <regex>

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
    try {
      AnalysisOpts.ForeignHeaders =
          std::make_shared<std::regex>(ForeignHeaders);
    } catch (const std::regex_error &E) {
      configurationDiag("invalid ForeignHeaders regular expression '%0': %1")
          << ForeignHeaders << E.what();
    }
  }
}

void ForeignCallWithoutHandoffCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  BlockwatchCheck::storeOptions(Opts);
  Options.store(Opts, "ForeignHeaders", ForeignHeaders);
  Options.store(Opts, "Strict", Strict);
}

} // namespace clang::tidy::blockwatch
