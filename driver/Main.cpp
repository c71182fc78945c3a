//===- Main.cpp - the blockwatch command ----------------------------------===//
//
// Parses every TU of a compilation database on N threads, collects the same
// facts the clang-tidy checks collect, merges them by USR and runs the shared
// analysis once over the whole program. Facts can be cached, written per TU
// for a build system to produce, and merged later.
//
//===----------------------------------------------------------------------===//
#include "Extract.h"
#include "FactStore.h"
#include "PostProcess.h"
#include "Reporters.h"
#include "analysis/Analysis.h"

#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/BuryPointer.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include <nlohmann/json.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

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
cl::opt<std::string> ForeignHeaders(
    "foreign-headers",
    cl::desc("Regex: only C functions declared in matching headers count as "
             "foreign (default: any header outside the system headers)"),
    cl::value_desc("regex"), cl::cat(Category));
cl::opt<std::string> ReadTimeout(
    "read-timeout",
    cl::desc("The deadline read-without-deadline's fix-it sets on a stream "
             "(default: std::chrono::seconds(30))"),
    cl::init("std::chrono::seconds(30)"), cl::cat(Category));
cl::opt<bool> StrictForeign(
    "strict-foreign",
    cl::desc("Every unclassified C-linkage call counts as foreign, system "
             "headers included"),
    cl::cat(Category));
cl::opt<std::string>
    CacheDir("cache-dir",
             cl::desc("Reuse the facts of TUs whose command, rule packs and "
                      "input files are unchanged"),
             cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string> EmitFacts("emit-facts",
                               cl::desc("Write each TU's facts to <dir> and "
                                        "stop (for a later --merge)"),
                               cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string> Merge("merge",
                           cl::desc("Analyse the facts in <dir> written by "
                                    "--emit-facts instead of parsing"),
                           cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string>
    Baseline("baseline",
             cl::desc("Report only findings whose fingerprints are not in "
                      "this SARIF log"),
             cl::value_desc("sarif"), cl::cat(Category));
cl::opt<bool> IncludeSuppressed(
    "include-suppressed",
    cl::desc("Keep findings silenced by NOLINT (as SARIF suppressions)"),
    cl::cat(Category));
cl::opt<std::string> ExportSummaries(
    "export-summaries",
    cl::desc("Write the merged per-function facts for the clang-tidy "
             "plugin and blockwatch-clangd (check option SummaryFile)"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> LockGraph(
    "lock-graph",
    cl::desc("Write the lock-order graph in Graphviz form, cycles in red"),
    cl::value_desc("file.dot"), cl::cat(Category));
cl::opt<bool> Verbose("verbose",
                      cl::desc("Say which TUs were parsed and which came "
                               "from the cache"),
                      cl::cat(Category));
cl::opt<bool> Fix("fix", cl::desc("Apply the fix-its of the findings"),
                  cl::cat(Category));
cl::opt<std::string>
    ExportFixes("export-fixes",
                cl::desc("Write fix-its as clang-apply-replacements YAML"),
                cl::value_desc("file"), cl::cat(Category));

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

std::string resourceDir() {
  if (const char *Env = ::getenv("BLOCKWATCH_RESOURCE_DIR"))
    return Env;
  return BLOCKWATCH_CLANG_RESOURCE_DIR;
}

std::string absolute(const std::string &Path) {
  llvm::SmallString<256> P(Path);
  llvm::sys::fs::make_absolute(P);
  llvm::sys::path::remove_dots(P, true);
  return std::string(P.str());
}

int fail(const std::string &Msg) {
  llvm::errs() << "blockwatch: error: " << Msg << "\n";
  return 2;
}

std::shared_ptr<const RuleSet> loadRules() {
  std::string Joined;
  for (const auto &F : RuleFiles)
    Joined += (Joined.empty() ? "" : ",") + F;
  std::vector<std::string> Errors;
  auto Rules = RuleSet::create(Joined, Errors);
  for (const auto &E : Errors)
    llvm::errs() << E << "\n";
  return Rules;
}

int listRules() {
  auto Rules = loadRules();
  if (!Rules)
    return 2;
  for (const RuleInfo &RI : allRules())
    if (globMatches(Checks, RI.Id))
      llvm::outs() << RI.Id << "\t" << RI.Short
                   << (RI.Implemented ? "" : " (not implemented yet)") << "\n";
  llvm::outs() << "rule packs:";
  for (const auto &P : Rules->packNames())
    llvm::outs() << " " << P;
  llvm::outs() << "\n";
  return 0;
}

/// Parses (or loads from the cache) every TU on N threads.
std::vector<TuOutcome> extractAll(const CompilationDatabase &Db,
                                  const std::vector<std::string> &Sources,
                                  const RuleSet &Rules) {
  unsigned N = Jobs ? Jobs : std::max(1u, std::thread::hardware_concurrency());
  N = std::max<unsigned>(1, std::min<size_t>(N, Sources.size()));
  std::vector<TuOutcome> Outcomes(Sources.size());
  std::atomic<size_t> Next{0}, Done{0};
  std::mutex ProgressMu;
  bool Progress =
      Sources.size() > 1 && llvm::sys::Process::StandardErrIsDisplayed();
  std::optional<FactCache> Cache;
  if (!CacheDir.empty())
    Cache.emplace(CacheDir);
  std::string Resource = resourceDir();
  auto Worker = [&] {
    while (true) {
      size_t I = Next++;
      if (I >= Sources.size())
        return;
      std::string Key = Cache ? tuKey(Db, Sources[I], Rules) : "";
      std::optional<TuOutcome> Hit;
      if (Cache)
        Hit = Cache->lookup(Key);
      if (Verbose) {
        std::lock_guard<std::mutex> Lock(ProgressMu);
        llvm::errs() << "blockwatch: " << (Hit ? "cached" : "parsing") << " "
                     << Sources[I] << "\n";
      }
      if (Hit) {
        Outcomes[I] = std::move(*Hit);
      } else {
        Outcomes[I] = extractTu(Db, Sources[I], Rules, Resource);
        if (Cache && Outcomes[I].S == TuOutcome::Ok)
          Cache->store(Key, Outcomes[I]);
      }
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
  return Outcomes;
}

int run(int Argc, const char **Argv) {
  cl::SetVersionPrinter([](llvm::raw_ostream &OS) {
    OS << "blockwatch " << BLOCKWATCH_VERSION << " (LLVM " LLVM_VERSION_STRING
       << ")\n";
  });
  cl::HideUnrelatedOptions(Category);
  llvm::CrashRecoveryContext::Enable();

  // --list-rules and --merge need no compilation database.
  bool NoDb = false, MergeMode = false, HasDbArgs = false;
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    MergeMode |= A.starts_with("--merge") || A.starts_with("-merge");
    NoDb |= A == "--list-rules" || A == "-list-rules";
    // A positional argument is a file unless it is the value of the option
    // before it ('--merge DIR', '-o FILE').
    llvm::StringRef Prev = I > 1 ? llvm::StringRef(Argv[I - 1]) : "";
    bool PrevTakesValue = Prev.starts_with("-") && !Prev.contains('=') &&
                          Prev != "--fix" && Prev != "--verbose" &&
                          Prev != "--include-suppressed" &&
                          Prev != "--strict-foreign" &&
                          Prev != "--no-unknown-coroutines";
    HasDbArgs |= A == "-p" || A.starts_with("-p=") || A == "--" ||
                 (!A.starts_with("-") && !PrevTakesValue);
  }
  if (MergeMode && HasDbArgs)
    return fail("--merge analyses facts written by --emit-facts; it takes no "
                "-p, files or compiler flags");
  NoDb |= MergeMode;
  std::optional<CommonOptionsParser> Parser;
  std::vector<std::string> Sources;
  const CompilationDatabase *Db = nullptr;
  std::unique_ptr<CompilationDatabase> Loaded;
  if (NoDb) {
    std::string Err;
    llvm::raw_string_ostream ES(Err);
    if (!cl::ParseCommandLineOptions(Argc, Argv, Overview, &ES)) {
      ES.flush();
      llvm::errs() << Err;
      return 2;
    }
    if (ListRules)
      return listRules();
  } else {
    // -p names one database, exactly: no search of parent directories and
    // no guessed flags when it is missing or broken.
    std::string BuildPath;
    for (int I = 1; I < Argc; ++I) {
      llvm::StringRef A(Argv[I]);
      if (A == "--")
        break;
      if ((A == "-p" || A == "--p") && I + 1 < Argc)
        BuildPath = Argv[I + 1];
      else if (A.starts_with("-p=") || A.starts_with("--p="))
        BuildPath = A.substr(A.find('=') + 1).str();
    }
    if (!BuildPath.empty()) {
      std::string Err;
      std::string Json = BuildPath + "/compile_commands.json";
      if (!llvm::sys::fs::exists(Json))
        return fail(BuildPath + ": no compile_commands.json (configure the "
                                "build with CMAKE_EXPORT_COMPILE_COMMANDS=ON "
                                "or generate one with bear)");
      Loaded = JSONCompilationDatabase::loadFromFile(
          Json, Err, JSONCommandLineSyntax::AutoDetect);
      if (!Loaded) {
        // The loader's message spans lines; the last one says what is wrong.
        llvm::StringRef Why = llvm::StringRef(Err).trim();
        Why = Why.substr(Why.rfind('\n') + 1);
        return fail(Json + ": invalid compilation database: " + Why.str());
      }
    }
    auto P = CommonOptionsParser::create(Argc, Argv, Category, cl::ZeroOrMore,
                                         Overview);
    if (!P) {
      std::string Msg = llvm::toString(P.takeError());
      llvm::StringRef M = llvm::StringRef(Msg).trim();
      if (M.starts_with("blockwatch: "))
        M = M.drop_front(12);
      return fail(M.str());
    }
    Parser.emplace(std::move(*P));
    Sources = Parser->getSourcePathList();
    if (Loaded) {
      Db = Loaded.get();
      if (Sources.empty()) {
        Sources = Db->getAllFiles();
        if (Sources.empty())
          return fail(BuildPath + ": the compilation database lists no files");
      }
      for (auto &S : Sources) {
        if (Db->getCompileCommands(absolute(S)).empty() &&
            Db->getCompileCommands(S).empty())
          return fail("'" + S + "' is not in " + BuildPath +
                      "/compile_commands.json");
        S = absolute(S);
      }
    } else if (Sources.empty()) {
      return fail("no files to analyse (give files or a compilation database "
                  "with -p)");
    } else {
      Db = &Parser->getCompilations();
    }
  }

  if (Format != "text" && Format != "sarif" && Format != "json")
    return fail("unknown --format '" + Format +
                "' (expected text, sarif or json)");
  if (!Merge.empty() && !EmitFacts.empty())
    return fail("--merge and --emit-facts cannot be combined");
  if (!EmitFacts.empty() && (Fix || !ExportFixes.empty() || !Baseline.empty()))
    return fail("--emit-facts only extracts facts; --fix, --export-fixes and "
                "--baseline need a full run or --merge");
  if (!Merge.empty() && Fix)
    return fail("--fix needs the sources parsed in this run, not --merge");

  auto Rules = loadRules();
  if (!Rules)
    return 2;
  std::vector<std::string> Enabled;
  for (const RuleInfo &RI : allRules())
    if (globMatches(Checks, RI.Id))
      Enabled.push_back(RI.Id);
  if (Enabled.empty())
    return fail("--checks='" + Checks + "' enables no rule (see --list-rules)");

  AnalysisOptions AO;
  AO.UnknownCoroutinesOnLoop = !NoUnknownCoroutines;
  AO.StrictForeign = StrictForeign;
  AO.ReadTimeout = ReadTimeout;
  if (!ForeignHeaders.empty()) {
    std::string Error;
    AO.ForeignHeaders = compileBoundedRegex(ForeignHeaders, Error);
    if (!AO.ForeignHeaders)
      return fail("--foreign-headers: " + Error);
  }

  std::string Root = SrcRoot.empty() ? absolute(".") : absolute(SrcRoot);
  if (Root.empty() || Root.back() != '/')
    Root += '/';

  std::multiset<std::string> BaselinePrints;
  if (!Baseline.empty()) {
    std::string Err;
    if (!readBaseline(Baseline, BaselinePrints, Err)) {
      llvm::errs() << Err << "\n";
      return 2;
    }
  }

  // Open the outputs before the work, so a bad path fails fast.
  std::ofstream OutFile;
  if (!Output.empty()) {
    OutFile.open(Output, std::ios::binary | std::ios::trunc);
    if (!OutFile)
      return fail("cannot write '" + Output + "': " + std::strerror(errno));
  }

  RunResult R;
  R.EnabledRules = Enabled;
  auto Facts = std::make_unique<Program>();
  Program &P = *Facts;
  std::map<std::string, FileStamp> Stamps;
  bool Crashed = false;
  if (!Merge.empty()) {
    std::vector<std::string> Errors;
    bool Ok = readFactsDir(
        Merge, Rules->digest(), [&](TuFacts &&T) { P.add(std::move(T)); },
        Errors);
    for (const auto &E : Errors)
      llvm::errs() << E << "\n";
    if (!Ok)
      return 2;
  } else {
    std::vector<TuOutcome> Outcomes = extractAll(*Db, Sources, *Rules);
    for (size_t I = 0; I < Sources.size(); ++I) {
      TuOutcome &O = Outcomes[I];
      if (O.S == TuOutcome::Ok) {
        if (!EmitFacts.empty()) {
          std::string Err = emitFacts(EmitFacts, Sources[I], O.Facts);
          if (!Err.empty())
            return fail(Err);
        }
        P.add(std::move(O.Facts));
        for (const auto &D : O.Deps)
          Stamps[D.Path] = D;
        continue;
      }
      std::string Msg = O.Errors;
      if (O.S == TuOutcome::Crashed) {
        Crashed = true;
        Msg = "blockwatch crashed while analysing this file; the other files "
              "were analysed. Please report it with the file's command "
              "line.\n" + Msg;
      } else if (Msg.empty()) {
        Msg = "failed to parse\n";
      }
      llvm::errs() << "blockwatch: error: cannot analyse '" << Sources[I]
                   << "':\n" << Msg;
      if (!Msg.empty() && Msg.back() != '\n')
        llvm::errs() << "\n";
      R.Failures.push_back({absolute(Sources[I]), Msg.substr(0, Msg.find('\n'))});
    }
    if (!EmitFacts.empty())
      return Crashed ? 3 : R.Failures.empty() ? 0 : 2;
  }

  if (!ExportSummaries.empty()) {
    TuFacts All;
    All.MainFile = "";
    All.RulesDigest = Rules->digest();
    for (const FunctionFact *F : P.functions())
      All.Functions.push_back(*F);
    nlohmann::json J;
    to_json(J, All);
    std::string Err = writeFileAtomically(
        ExportSummaries,
        J.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (!Err.empty())
      return fail(Err);
  }

  if (!LockGraph.empty()) {
    std::string Err = writeFileAtomically(LockGraph, lockGraphDot(P));
    if (!Err.empty())
      return fail(Err);
  }

  std::vector<Finding> Findings = analyze(
      P, *Rules, AO, std::set<std::string>(Enabled.begin(), Enabled.end()));
  // Findings copy what they show, and freeing millions of facts one by one
  // costs a large merge seconds just before the process exits anyway (clang
  // skips it the same way, -disable-free).
  llvm::BuryPointer(std::move(Facts));
  markSuppressed(Findings);
  assignFingerprints(Findings);
  for (Finding &F : Findings) {
    if (F.Suppressed && !IncludeSuppressed)
      continue;
    if (!BaselinePrints.empty()) {
      auto It = BaselinePrints.find(F.Rule + "\n" + F.Fingerprint);
      if (It != BaselinePrints.end()) {
        BaselinePrints.erase(It);
        continue;
      }
    }
    R.Findings.push_back(std::move(F));
  }
  R.Baselined = !Baseline.empty();

  if (!ExportFixes.empty()) {
    std::string Err = writeFileAtomically(ExportFixes, fixesYaml(R.Findings));
    if (!Err.empty())
      return fail(Err);
  }
  if (Fix) {
    std::vector<std::string> Errors;
    std::map<std::string, std::string> Originals;
    std::vector<std::string> Written =
        applyFixes(R.Findings, Stamps, Originals, Errors);
    for (const auto &E : Errors)
      llvm::errs() << E << "\n";
    // A fix must leave code that compiles; re-parse the TUs that read a
    // changed file and put the originals back if one no longer does.
    std::set<std::string> Changed(Written.begin(), Written.end());
    std::vector<std::string> Recheck;
    for (size_t I = 0; I < Sources.size() && !Changed.empty(); ++I)
      Recheck.push_back(Sources[I]);
    std::string Resource = resourceDir();
    bool Broken = false;
    for (const auto &S : Recheck) {
      TuOutcome O = extractTu(*Db, S, *Rules, Resource);
      if (O.S != TuOutcome::Ok) {
        llvm::errs() << "blockwatch: error: '" << S
                     << "' no longer compiles after the fixes; restoring the "
                        "original files:\n"
                     << O.Errors;
        Broken = true;
        break;
      }
    }
    if (Broken)
      for (const auto &[File, Text] : Originals)
        writeFileAtomically(File, Text);
    else
      for (const auto &F : Written)
        llvm::errs() << "blockwatch: applied fixes to '" << F << "'\n";
  }

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
  if (!OS)
    return fail(Output.empty() ? std::string("cannot write the report: ") +
                                     std::strerror(errno)
                               : "cannot write '" + Output +
                                     "': " + std::strerror(errno));
  int Status = Crashed ? 3 : !R.Failures.empty() ? 2 : 0;
  if (Status == 0)
    for (const Finding &F : R.Findings)
      if (!F.Suppressed)
        Status = 1;
  // Like the facts above: the report is written and the process is ending.
  llvm::BuryPointer(std::make_unique<RunResult>(std::move(R)));
  return Status;
}

} // namespace
} // namespace blockwatch

int main(int Argc, const char **Argv) { return blockwatch::run(Argc, Argv); }
