//===- BlockwatchCheck.h - what every blockwatch check shares -------------===//
//
// Every rule is a thin clang-tidy check over the shared analysis: the facts of
// the TU are collected once (whichever blockwatch check asks first), the
// analysis runs for the check's own rule, and its findings become clang-tidy
// diagnostics with notes and fix-its.
//
//===----------------------------------------------------------------------===//
#ifndef BLOCKWATCH_BLOCKWATCHCHECK_H
#define BLOCKWATCH_BLOCKWATCHCHECK_H

#include "analysis/Analysis.h"
#include "clang-tidy/ClangTidyCheck.h"

namespace clang::tidy::blockwatch {

/// clangd drops diagnostics without a location, and so clang-tidy's
/// configuration errors: a RuleFiles that names no pack would leave the
/// checks silent without saying why. blockwatch-clangd calls this before
/// starting clangd so that such errors are reported at the top of the file.
void reportConfigurationErrorsInFile();

class BlockwatchCheck : public ClangTidyCheck {
public:
  BlockwatchCheck(StringRef Name, ClangTidyContext *Context, const char *Rule);
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus;
  }

protected:
  /// Analysis options the check reads from its own CheckOptions.
  ::blockwatch::AnalysisOptions AnalysisOpts;

private:
  void configurationError(const ASTContext &Ctx, const std::string &Message,
                          DiagnosticIDs::Level Level);

  const char *Rule;
  /// Extra rule packs, comma-separated; a global option so that every
  /// blockwatch check sees the same packs.
  const std::string RuleFiles;
  /// Merged facts of the whole program from `blockwatch
  /// --export-summaries`, so the editor sees helpers in other files.
  const std::string SummaryFile;
};

} // namespace clang::tidy::blockwatch

#endif
