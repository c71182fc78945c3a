//===- Main.cpp - the blockwatch command ----------------------------------===//
//
// Parses every TU of a compilation database on N threads, collects the same
// facts the clang-tidy checks collect, merges them by USR and runs the shared
// analysis once over the whole program.
//
//===----------------------------------------------------------------------===//
#include "Reporters.h"
#include "analysis/Analysis.h"
#include "analysis/Collector.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace clang;
using namespace clang::tooling;
namespace cl = llvm::cl;

namespace blockwatch {
namespace {

cl::OptionCategory Category("blockwatch options");

cl::opt<std::string> Format("format",
                            cl::desc("Output format: text, sarif or json"),
                            cl::init("text"), cl::cat(Category));
cl::opt<std::string> Output("o", cl::desc("Write the report to <file>"),
                            cl::value_desc("file"), cl::cat(Category));
cl::opt<unsigned> Jobs("j",
                       cl::desc("Number of TUs analysed in parallel "
                                "(default: the number of cores)"),
                       cl::init(0), cl::Prefix, cl::cat(Category));
cl::opt<std::string>
    Checks("checks",
           cl::desc("Rules to run, in clang-tidy glob syntax "
                    "(default: blockwatch-*)"),
           cl::init("blockwatch-*"), cl::cat(Category));
cl::list<std::string> RuleFiles("rules",
                                cl::desc("An extra rule pack (repeatable)"),
                                cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> ListRules("list-rules",
                        cl::desc("List the rules and the loaded rule packs"),
                        cl::cat(Category));
cl::opt<std::string> SrcRoot("srcroot",
                             cl::desc("Root that report paths are relative "
                                      "to (default: the current directory)"),
                             cl::cat(Category));
cl::opt<bool> NoUnknownCoroutines(
    "no-unknown-coroutines",
    cl::desc("Count only coroutines of task types the rule packs name as "
             "loop code"),
    cl::cat(Category));

/// CommonOptionsParser's own -p, read back after parsing.
std::string BuildPathOpt() {
  auto &Opts = cl::getRegisteredOptions();
  auto It = Opts.find("p");
  if (It == Opts.end())
    return "";
  return static_cast<cl::opt<std::string> *>(It->second)->getValue();
}

const char *Overview =
    "blockwatch finds blocking hazards in concurrent C++: blocking calls on "
    "event-loop and fiber threads, blocking under locks, lock-order "
    "inversions, reads without deadlines, channel self-deadlocks and "
    "foreign calls without handoff.\n\n"
    "  blockwatch -p build                 every TU of build/compile_commands.json\n"
    "  blockwatch -p build src/a.cpp       one TU\n"
    "  blockwatch a.cpp -- -std=c++20      no database: flags after '--'\n\n"
    "Exit status: 0 no findings, 1 findings, 2 bad usage or input, 3 internal "
    "error.\n";

/// clang-tidy's glob syntax: comma-separated globs, '-' negates, the last
/// match wins.
bool globEnabled(const std::string &Globs, const std::string &Name) {
  bool Enabled = false;
  std::stringstream SS(Globs);
  std::string G;
  while (std::getline(SS, G, ',')) {
    size_t B = G.find_first_not_of(" \t\n");
    if (B == std::string::npos)
      continue;
    G = G.substr(B, G.find_last_not_of(" \t\n") - B + 1);
    bool Neg = G[0] == '-';
    if (Neg)
      G = G.substr(1);
    std::string Re = "^";
    for (char C : G)
      Re += C == '*' ? std::string(".*") : llvm::Regex::escape(std::string(1, C));
    Re += "$";
    if (llvm::Regex(Re).match(Name))
      Enabled = !Neg;
  }
  return Enabled;
}

struct TuOutcome {
  bool Ok = false;
  TuFacts Facts;
  std::string Errors;
};

class CollectAction : public ASTFrontendAction {
public:
  CollectAction(const RuleSet &Rules, TuOutcome &Out) : Rules(Rules), Out(Out) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &,
                                                 StringRef) override {
    struct Consumer : ASTConsumer {
      Consumer(const RuleSet &Rules, TuOutcome &Out) : Rules(Rules), Out(Out) {}
      void HandleTranslationUnit(ASTContext &Ctx) override {
        if (Ctx.getDiagnostics().hasErrorOccurred())
          return;
        Out.Facts = collectFacts(Ctx, Rules);
        Out.Ok = true;
      }
      const RuleSet &Rules;
      TuOutcome &Out;
    };
    return std::make_unique<Consumer>(Rules, Out);
  }

private:
  const RuleSet &Rules;
  TuOutcome &Out;
};

class CollectFactory : public FrontendActionFactory {
public:
  CollectFactory(const RuleSet &Rules, TuOutcome &Out) : Rules(Rules), Out(Out) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<CollectAction>(Rules, Out);
  }

private:
  const RuleSet &Rules;
  TuOutcome &Out;
};

/// Prints only errors: compiler warnings are the build's business, not ours.
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

std::string resourceDir() {
  if (const char *Env = ::getenv("BLOCKWATCH_RESOURCE_DIR"))
    return Env;
  return BLOCKWATCH_CLANG_RESOURCE_DIR;
}

int run(int Argc, const char **Argv) {
  cl::SetVersionPrinter([](llvm::raw_ostream &OS) {
    OS << "blockwatch " << BLOCKWATCH_VERSION << " (LLVM " LLVM_VERSION_STRING
       << ")\n";
  });
  cl::HideUnrelatedOptions(Category);

  // --list-rules needs no compilation database.
  bool WantsList = false;
  for (int I = 1; I < Argc; ++I)
    WantsList |= llvm::StringRef(Argv[I]) == "--list-rules" ||
                 llvm::StringRef(Argv[I]) == "-list-rules";
  std::optional<CommonOptionsParser> Parser;
  std::vector<std::string> Sources;
  if (WantsList) {
    cl::ParseCommandLineOptions(Argc, Argv, Overview);
  } else {
    auto P = CommonOptionsParser::create(Argc, Argv, Category, cl::ZeroOrMore,
                                         Overview);
    if (!P) {
      llvm::errs() << "blockwatch: error: " << llvm::toString(P.takeError())
                   << "\n";
      return 2;
    }
    Parser.emplace(std::move(*P));
    Sources = Parser->getSourcePathList();
    const CompilationDatabase *Db = nullptr;
    std::unique_ptr<CompilationDatabase> Loaded;
    if (Sources.empty()) {
      // With no files the parser loads no database; every TU of -p's is
      // the input.
      std::string BuildPath = BuildPathOpt();
      if (BuildPath.empty()) {
        llvm::errs() << "blockwatch: error: no files to analyse (give files "
                        "or a compilation database with -p)\n";
        return 2;
      }
      std::string Err;
      Loaded = CompilationDatabase::autoDetectFromDirectory(BuildPath, Err);
      if (!Loaded) {
        llvm::errs() << "blockwatch: error: " << BuildPath << ": " << Err
                     << "\n";
        return 2;
      }
      Db = Loaded.get();
      Sources = Db->getAllFiles();
    } else {
      Db = &Parser->getCompilations();
    }
    if (Sources.empty()) {
      llvm::errs() << "blockwatch: error: no files to analyse (give files or "
                      "a compilation database with -p)\n";
      return 2;
    }
    return [&]() -> int {
      std::string Joined;
      for (const auto &F : RuleFiles)
        Joined += (Joined.empty() ? "" : ",") + F;
      std::vector<std::string> Errors;
      auto Rules = RuleSet::create(Joined, Errors);
      for (const auto &E : Errors)
        llvm::errs() << E << "\n";
      if (!Rules)
        return 2;
      if (Format != "text" && Format != "sarif" && Format != "json") {
        llvm::errs() << "blockwatch: error: unknown --format '" << Format
                     << "' (expected text, sarif or json)\n";
        return 2;
      }

      std::vector<std::string> Enabled;
      for (const RuleInfo &RI : allRules())
        if (globEnabled(Checks, RI.Id))
          Enabled.push_back(RI.Id);
      if (Enabled.empty()) {
        llvm::errs() << "blockwatch: error: --checks='" << Checks
                     << "' enables no rule (see --list-rules)\n";
        return 2;
      }

      std::string Root = SrcRoot;
      if (Root.empty()) {
        llvm::SmallString<256> Cwd;
        llvm::sys::fs::current_path(Cwd);
        Root = std::string(Cwd.str());
      } else {
        llvm::SmallString<256> P(Root);
        llvm::sys::fs::make_absolute(P);
        llvm::sys::path::remove_dots(P, true);
        Root = std::string(P.str());
      }
      if (Root.empty() || Root.back() != '/')
        Root += '/';

      // Open the output before the work, so a bad path fails fast.
      std::ofstream OutFile;
      if (!Output.empty()) {
        OutFile.open(Output, std::ios::binary | std::ios::trunc);
        if (!OutFile) {
          llvm::errs() << "blockwatch: error: cannot write '" << Output
                       << "'\n";
          return 2;
        }
      }

      unsigned N = Jobs ? Jobs : std::max(1u, std::thread::hardware_concurrency());
      N = std::min<unsigned>(N, Sources.size());
      std::vector<TuOutcome> Outcomes(Sources.size());
      std::atomic<size_t> Next{0};
      std::atomic<size_t> Done{0};
      std::mutex ProgressMu;
      bool Progress = Sources.size() > 1 && llvm::sys::Process::StandardErrIsDisplayed();
      std::string Resource = resourceDir();
      auto Worker = [&] {
        while (true) {
          size_t I = Next++;
          if (I >= Sources.size())
            return;
          ClangTool Tool(*Db, {Sources[I]});
          Tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(
              ("-resource-dir=" + Resource).c_str(),
              ArgumentInsertPosition::BEGIN));
          Tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(
              "-fno-color-diagnostics", ArgumentInsertPosition::END));
          std::string Diags;
          llvm::raw_string_ostream DS(Diags);
          auto DiagOpts = llvm::makeIntrusiveRefCnt<DiagnosticOptions>();
          ErrorsOnly Printer(DS, DiagOpts.get());
          Tool.setDiagnosticConsumer(&Printer);
          Tool.setPrintErrorMessage(false);
          CollectFactory Factory(*Rules, Outcomes[I]);
          int Rc = Tool.run(&Factory);
          DS.flush();
          if (Rc != 0)
            Outcomes[I].Ok = false;
          Outcomes[I].Errors = Diags;
          size_t D = ++Done;
          if (Progress) {
            std::lock_guard<std::mutex> Lock(ProgressMu);
            llvm::errs() << "\r\033[K[" << D << "/" << Sources.size() << "] "
                         << Sources[I];
            if (D == Sources.size())
              llvm::errs() << "\r\033[K";
          }
        }
      };
      std::vector<std::thread> Threads;
      for (unsigned T = 1; T < N; ++T)
        Threads.emplace_back(Worker);
      Worker();
      for (auto &T : Threads)
        T.join();

      RunResult R;
      for (const auto &E : Enabled)
        R.EnabledRules.push_back(E);
      Program P;
      for (size_t I = 0; I < Sources.size(); ++I) {
        if (Outcomes[I].Ok) {
          P.add(Outcomes[I].Facts);
          continue;
        }
        llvm::SmallString<256> Abs(Sources[I]);
        llvm::sys::fs::make_absolute(Abs);
        std::string Msg = Outcomes[I].Errors.empty()
                              ? "failed to parse"
                              : Outcomes[I].Errors;
        llvm::errs() << "blockwatch: error: cannot analyse '" << Sources[I]
                     << "':\n" << Msg;
        if (!Msg.empty() && Msg.back() != '\n')
          llvm::errs() << "\n";
        std::string First = Msg.substr(0, Msg.find('\n'));
        R.Failures.push_back({std::string(Abs.str()), First});
      }
      AnalysisOptions AO;
      AO.UnknownCoroutinesOnLoop = !NoUnknownCoroutines;
      R.Findings = analyze(P, *Rules, AO,
                           std::set<std::string>(Enabled.begin(), Enabled.end()));

      ReportOptions RO;
      RO.SrcRoot = Root;
      std::ostream &OS = Output.empty() ? std::cout : OutFile;
      RO.Color = Output.empty() && Format == "text" &&
                 llvm::sys::Process::StandardOutIsDisplayed();
      if (Format == "sarif")
        writeSarif(OS, R, RO);
      else if (Format == "json")
        writeJson(OS, R, RO);
      else
        writeText(OS, R, RO);
      OS.flush();
      if (!OS) {
        llvm::errs() << "blockwatch: error: writing the report failed\n";
        return 2;
      }
      if (!R.Failures.empty())
        return 2;
      return R.Findings.empty() ? 0 : 1;
    }();
  }

  // --list-rules
  std::string Joined;
  for (const auto &F : RuleFiles)
    Joined += (Joined.empty() ? "" : ",") + F;
  std::vector<std::string> Errors;
  auto Rules = RuleSet::create(Joined, Errors);
  for (const auto &E : Errors)
    llvm::errs() << E << "\n";
  if (!Rules)
    return 2;
  for (const RuleInfo &RI : allRules())
    if (globEnabled(Checks, RI.Id))
      llvm::outs() << RI.Id << "\t" << RI.Short
                   << (RI.Implemented ? "" : " (not implemented yet)") << "\n";
  llvm::outs() << "rule packs:";
  for (const auto &P : Rules->packNames())
    llvm::outs() << " " << P;
  llvm::outs() << "\n";
  return 0;
}

} // namespace
} // namespace blockwatch

int main(int Argc, const char **Argv) { return blockwatch::run(Argc, Argv); }
