//===- Extract.cpp --------------------------------------------------------===//
#include "Extract.h"
#include "analysis/Collector.h"
#include "analysis/StableHash.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace clang;
using namespace clang::tooling;

namespace blockwatch {

FileStamp stampOf(const std::string &Path) {
  FileStamp S;
  S.Path = Path;
  llvm::sys::fs::file_status St;
  if (llvm::sys::fs::status(Path, St)) {
    S.Size = UINT64_MAX;
    return S;
  }
  S.Size = St.getSize();
  S.MTimeNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  St.getLastModificationTime().time_since_epoch())
                  .count();
  return S;
}

namespace {

class Consumer : public ASTConsumer {
public:
  Consumer(const RuleSet &Rules, TuOutcome &Out) : Rules(Rules), Out(Out) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return;
    Out.Facts = collectFacts(Ctx, Rules);
    SourceManager &SM = Ctx.getSourceManager();
    for (auto It = SM.fileinfo_begin(); It != SM.fileinfo_end(); ++It) {
      llvm::SmallString<256> P(It->first.getName());
      llvm::sys::fs::make_absolute(P);
      llvm::sys::path::remove_dots(P, true);
      Out.Deps.push_back(stampOf(std::string(P.str())));
    }
    std::sort(Out.Deps.begin(), Out.Deps.end(),
              [](const FileStamp &A, const FileStamp &B) { return A.Path < B.Path; });
    Out.S = TuOutcome::Ok;
  }

private:
  const RuleSet &Rules;
  TuOutcome &Out;
};

class Action : public ASTFrontendAction {
public:
  Action(const RuleSet &Rules, TuOutcome &Out) : Rules(Rules), Out(Out) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &,
                                                 StringRef) override {
    return std::make_unique<Consumer>(Rules, Out);
  }

private:
  const RuleSet &Rules;
  TuOutcome &Out;
};

class Factory : public FrontendActionFactory {
public:
  Factory(const RuleSet &Rules, TuOutcome &Out) : Rules(Rules), Out(Out) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<Action>(Rules, Out);
  }

private:
  const RuleSet &Rules;
  TuOutcome &Out;
};

/// Prints only errors: compiler warnings are the build's business.
class ErrorsOnly : public TextDiagnosticPrinter {
public:
  using TextDiagnosticPrinter::TextDiagnosticPrinter;
  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const Diagnostic &Info) override {
    if (Level >= DiagnosticsEngine::Error)
      LastWasError = true;
    else if (Level != DiagnosticsEngine::Note)
      LastWasError = false;
    if (Level >= DiagnosticsEngine::Error ||
        (Level == DiagnosticsEngine::Note && LastWasError))
      TextDiagnosticPrinter::HandleDiagnostic(Level, Info);
  }

private:
  bool LastWasError = false;
};

} // namespace

std::string tuKey(const CompilationDatabase &Db, const std::string &File,
                  const RuleSet &Rules) {
  std::string K = std::string(BLOCKWATCH_VERSION) + "\n" + Rules.digest();
  for (const CompileCommand &C : Db.getCompileCommands(File)) {
    K += "\n" + C.Directory + "\n" + C.Filename;
    for (const auto &A : C.CommandLine)
      K += "\n" + A;
  }
  return stableHash(K);
}

TuOutcome extractTu(const CompilationDatabase &Db, const std::string &File,
                    const RuleSet &Rules, const std::string &ResourceDir) {
  TuOutcome Out;
  // LLVM aborts when it cannot enter the command's directory; say so first.
  for (const CompileCommand &C : Db.getCompileCommands(File))
    if (!C.Directory.empty() && !llvm::sys::fs::is_directory(C.Directory)) {
      Out.Errors = "the compile command's directory '" + C.Directory +
                   "' does not exist\n";
      return Out;
    }
  std::string Diags;
  llvm::raw_string_ostream DS(Diags);
  auto DiagOpts = llvm::makeIntrusiveRefCnt<DiagnosticOptions>();
  ErrorsOnly Printer(DS, DiagOpts.get());
  // Deep template instantiation needs more stack than a worker thread has;
  // a crash in one TU must not take the others down.
  llvm::CrashRecoveryContext CRC;
  bool Survived = CRC.RunSafelyOnThread(
      [&] {
        ClangTool Tool(Db, {File});
        Tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(
            ("-resource-dir=" + ResourceDir).c_str(),
            ArgumentInsertPosition::BEGIN));
        Tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(
            "-fno-color-diagnostics", ArgumentInsertPosition::END));
        Tool.setDiagnosticConsumer(&Printer);
        Tool.setPrintErrorMessage(false);
        Factory F(Rules, Out);
        if (Tool.run(&F) != 0 && Out.S == TuOutcome::Ok)
          Out.S = TuOutcome::Failed;
      },
      64 << 20);
  DS.flush();
  Out.Errors = Diags;
  if (!Survived) {
    Out.S = TuOutcome::Crashed;
    Out.Facts = TuFacts();
  }
  return Out;
}

} // namespace blockwatch
