//===- BlockwatchCheck.cpp ------------------------------------------------===//
#include "BlockwatchCheck.h"
#include "analysis/Collector.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <set>

using namespace clang::ast_matchers;

namespace clang::tidy::blockwatch {

namespace bw = ::blockwatch;

namespace {
/// Rule sets are immutable once loaded; share them across checks, TUs and
/// (in clangd) threads.
std::shared_ptr<const bw::RuleSet> rulesFor(const std::string &Files,
                                            std::vector<std::string> &Errors) {
  static std::mutex Mu;
  static std::map<std::string,
                  std::pair<std::shared_ptr<const bw::RuleSet>,
                            std::vector<std::string>>>
      Cache;
  std::lock_guard<std::mutex> Lock(Mu);
  auto It = Cache.find(Files);
  if (It == Cache.end()) {
    std::vector<std::string> Errs;
    auto RS = bw::RuleSet::create(Files, Errs);
    It = Cache.emplace(Files, std::make_pair(RS, Errs)).first;
  }
  Errors = It->second.second;
  return It->second.first;
}

/// Facts of the TU being checked, collected by the first check that asks.
/// clang-tidy and clangd run one TU at a time per thread.
struct TuState {
  bool Valid = false;
  std::string RuleFiles;
  bw::TuFacts Facts;
  /// Configuration errors reported in the file, once for all six checks.
  std::set<std::string> ErrorsShown;
};
thread_local TuState State;

bool ConfigurationErrorsInFile = false;

/// Summaries are read once per file version and shared across threads.
std::shared_ptr<const bw::TuFacts> summariesFor(const std::string &Path,
                                                std::string &Error) {
  static std::mutex Mu;
  static std::map<std::string,
                  std::pair<llvm::sys::TimePoint<>,
                            std::shared_ptr<const bw::TuFacts>>>
      Cache;
  llvm::sys::fs::file_status St;
  if (llvm::sys::fs::status(Path, St)) {
    Error = Path + ": cannot read summaries";
    return nullptr;
  }
  // As for rule packs: a FIFO or a device named by a repository's config
  // would block clangd or never end.
  if (St.type() != llvm::sys::fs::file_type::regular_file) {
    Error = Path + ": cannot read summaries: not a regular file";
    return nullptr;
  }
  std::lock_guard<std::mutex> Lock(Mu);
  auto It = Cache.find(Path);
  if (It != Cache.end() &&
      It->second.first == St.getLastModificationTime())
    return It->second.second;
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf) {
    Error = Path + ": cannot read summaries";
    return nullptr;
  }
  auto Facts = std::make_shared<bw::TuFacts>();
  try {
    bw::readFacts((*Buf)->getBuffer(), *Facts);
  } catch (const std::exception &E) {
    Error = Path + ": " + E.what();
    return nullptr;
  }
  Cache[Path] = {St.getLastModificationTime(), Facts};
  return Facts;
}
} // namespace

void reportConfigurationErrorsInFile() { ConfigurationErrorsInFile = true; }

BlockwatchCheck::BlockwatchCheck(StringRef Name, ClangTidyContext *Context,
                                 const char *Rule)
    : ClangTidyCheck(Name, Context), Rule(Rule),
      RuleFiles(Options.getLocalOrGlobal("RuleFiles", "").str()),
      SummaryFile(Options.getLocalOrGlobal("SummaryFile", "").str()) {}

void BlockwatchCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "RuleFiles", RuleFiles);
  Options.store(Opts, "SummaryFile", SummaryFile);
}

void BlockwatchCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void BlockwatchCheck::onStartOfTranslationUnit() {
  State.Valid = false;
  State.ErrorsShown.clear();
}

void BlockwatchCheck::configurationError(const ASTContext &Ctx,
                                         const std::string &Message,
                                         DiagnosticIDs::Level Level) {
  if (!ConfigurationErrorsInFile) {
    configurationDiag("%0", Level) << Message;
    return;
  }
  if (!State.ErrorsShown.insert(Message).second)
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  diag(SM.getLocForStartOfFile(SM.getMainFileID()), "%0", Level) << Message;
}

void BlockwatchCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  std::vector<std::string> Errors;
  auto Rules = rulesFor(RuleFiles, Errors);
  for (const auto &E : Errors)
    configurationError(Ctx, "blockwatch rule pack: " + E,
                       DiagnosticIDs::Error);
  if (!Rules)
    return;
  if (!State.Valid || State.RuleFiles != RuleFiles) {
    State.Facts = bw::collectFacts(Ctx, *Rules);
    State.RuleFiles = RuleFiles;
    State.Valid = true;
  }
  bw::Program P;
  P.add(State.Facts);
  if (!SummaryFile.empty()) {
    std::string Error;
    auto Summaries = summariesFor(SummaryFile, Error);
    if (!Summaries)
      configurationError(Ctx, "blockwatch summaries: " + Error,
                         DiagnosticIDs::Warning);
    else if (Summaries->RulesDigest != Rules->digest())
      configurationError(Ctx,
                         "blockwatch summaries: " + SummaryFile +
                             " was written with other rule packs; export it "
                             "again",
                         DiagnosticIDs::Warning);
    else
      P.add(*Summaries); // The TU's own, fresher facts were added first.
  }
  auto Findings = bw::analyze(P, *Rules, AnalysisOpts, {Rule});

  SourceManager &SM = Ctx.getSourceManager();
  FileManager &FM = SM.getFileManager();
  auto ToLoc = [&](const bw::SourceLoc &L) -> SourceLocation {
    if (!L.valid())
      return {};
    auto FE = FM.getOptionalFileRef(L.File.str());
    if (!FE)
      return {};
    return SM.translateFileLineCol(&FE->getFileEntry(), L.Line, L.Col);
  };
  auto Escape = [](const std::string &S) {
    std::string Out;
    for (char C : S) {
      Out += C;
      if (C == '%')
        Out += '%';
    }
    return Out;
  };
  for (const bw::Finding &F : Findings) {
    SourceLocation Loc = ToLoc(F.At);
    if (Loc.isInvalid())
      continue;
    {
      auto D = diag(Loc, Escape(F.Message));
      if (F.At.EndLine == F.At.Line) {
        SourceLocation End = ToLoc({F.At.File, F.At.EndLine, F.At.EndCol});
        if (End.isValid())
          D << CharSourceRange::getCharRange(Loc, End);
      }
      for (const bw::FixFact &Fix : F.Fixes) {
        SourceLocation B = ToLoc({Fix.File, 1, 1});
        if (B.isInvalid())
          continue;
        B = B.getLocWithOffset(Fix.Offset);
        D << FixItHint::CreateReplacement(
            CharSourceRange::getCharRange(B, B.getLocWithOffset(Fix.Length)),
            Fix.Text);
      }
    }
    for (const bw::Note &N : F.Notes) {
      SourceLocation NL = ToLoc(N.At);
      if (NL.isInvalid())
        continue;
      auto D = diag(NL, Escape(N.Message), DiagnosticIDs::Note);
      if (N.At.EndLine == N.At.Line) {
        SourceLocation End = ToLoc({N.At.File, N.At.EndLine, N.At.EndCol});
        if (End.isValid())
          D << CharSourceRange::getCharRange(NL, End);
      }
    }
  }
}

} // namespace clang::tidy::blockwatch
