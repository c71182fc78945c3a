//===- FactStore.cpp ------------------------------------------------------===//
#include "FactStore.h"
#include "analysis/StableHash.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace blockwatch {

using nlohmann::json;

// Paths and source text need not be UTF-8; JSON must be. Invalid bytes
// become U+FFFD rather than aborting the run.
static constexpr auto Lossy = json::error_handler_t::replace;

static std::string replaceFile(const std::string &Path,
                               const std::string &Text);

std::string writeFileAtomically(const std::string &Path,
                                const std::string &Text) {
  // Write through symlinks to the file they name, and never replace a
  // device or a pipe (/dev/null, /dev/full) with a regular file.
  llvm::SmallString<256> Real;
  std::string Target = Path;
  if (!llvm::sys::fs::real_path(Path, Real))
    Target = std::string(Real.str());
  llvm::sys::fs::file_status Existing;
  if (!llvm::sys::fs::status(Target, Existing) &&
      Existing.type() != llvm::sys::fs::file_type::regular_file) {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Target, EC);
    if (EC)
      return "cannot write '" + Path + "': " + EC.message();
    OS << Text;
    OS.flush();
    if (OS.has_error()) {
      std::string Msg = OS.error().message();
      OS.clear_error();
      return "cannot write '" + Path + "': " + Msg;
    }
    return "";
  }
  return replaceFile(Target, Text);
}

/// The temporary-file-and-rename write of a regular file.
static std::string replaceFile(const std::string &Path,
                               const std::string &Text) {
  llvm::SmallString<256> Tmp;
  int FD;
  llvm::SmallString<256> Model(Path);
  Model += ".tmp-%%%%%%";
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(Model, FD, Tmp))
    return "cannot create a temporary file next to '" + Path +
           "': " + EC.message();
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Text;
    OS.flush();
    if (OS.has_error()) {
      OS.clear_error();
      llvm::sys::fs::remove(Tmp);
      return "cannot write '" + Path + "'";
    }
  }
  // Keep the permissions of the file being replaced.
  llvm::sys::fs::file_status St;
  if (!llvm::sys::fs::status(Path, St))
    llvm::sys::fs::setPermissions(Tmp, St.permissions());
  if (std::error_code EC = llvm::sys::fs::rename(Tmp, Path)) {
    llvm::sys::fs::remove(Tmp);
    return "cannot replace '" + Path + "': " + EC.message();
  }
  return "";
}

std::optional<std::string> readFile(const std::string &Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!Buf)
    return std::nullopt;
  return (*Buf)->getBuffer().str();
}

// An entry is one line of dependency stamps, then the TU's facts document,
// so the facts are read by the same fast reader as --merge.
std::optional<TuOutcome> FactCache::lookup(const std::string &Key) const {
  auto Text = readFile(Dir + "/" + Key + ".json");
  if (!Text)
    return std::nullopt;
  try {
    size_t Line = Text->find('\n');
    if (Line == std::string::npos)
      return std::nullopt;
    json J = json::parse(std::string_view(*Text).substr(0, Line));
    TuOutcome O;
    for (const auto &D : J) {
      FileStamp Was{D.at(0).get<std::string>(), D.at(1).get<uint64_t>(),
                    D.at(2).get<int64_t>()};
      if (!(stampOf(Was.Path) == Was))
        return std::nullopt;
      O.Deps.push_back(Was);
    }
    readFacts(std::string_view(*Text).substr(Line + 1), O.Facts);
    O.S = TuOutcome::Ok;
    O.FromCache = true;
    return O;
  } catch (const std::exception &) {
    // A damaged entry is a miss; the TU is parsed again and the entry
    // rewritten.
    return std::nullopt;
  }
}

void FactCache::store(const std::string &Key, const TuOutcome &O) const {
  json Deps = json::array();
  for (const auto &D : O.Deps)
    Deps.push_back(json::array({D.Path, D.Size, D.MTimeNs}));
  json Facts;
  to_json(Facts, O.Facts);
  llvm::sys::fs::create_directories(Dir);
  writeFileAtomically(Dir + "/" + Key + ".json",
                      Deps.dump(-1, ' ', false, Lossy) + "\n" +
                          Facts.dump(-1, ' ', false, Lossy));
}

std::string emitFacts(const std::string &Dir, const std::string &Source,
                      const TuFacts &Facts) {
  if (std::error_code EC = llvm::sys::fs::create_directories(Dir))
    return "cannot create '" + Dir + "': " + EC.message();
  std::string Hex =
      stableHash(Facts.MainFile.empty() ? Source : Facts.MainFile);
  json J;
  to_json(J, Facts);
  return writeFileAtomically(Dir + "/" + llvm::sys::path::filename(Source).str() +
                                 "-" + Hex + ".facts.json",
                             J.dump(-1, ' ', false, Lossy));
}

bool readFactsDir(const std::string &Dir, const std::string &RulesDigest,
                  const std::function<void(TuFacts &&)> &Add,
                  std::vector<std::string> &Errors) {
  std::error_code EC;
  std::vector<std::string> Files;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC))
    if (llvm::StringRef(It->path()).ends_with(".facts.json"))
      Files.push_back(It->path());
  if (EC) {
    Errors.push_back(Dir + ": error: cannot read facts directory: " +
                     EC.message());
    return false;
  }
  if (Files.empty()) {
    Errors.push_back(Dir + ": error: no *.facts.json files to merge");
    return false;
  }
  std::sort(Files.begin(), Files.end());
  // Reading facts is much of a merge's time; the files are independent.
  // Workers read ahead while this thread hands each document, in file
  // order, to Add, so the two overlap and few documents wait in memory.
  std::vector<std::optional<TuFacts>> Parsed(Files.size());
  std::vector<std::string> FileErrors(Files.size());
  std::vector<char> Done(Files.size(), 0);
  std::mutex Mu;
  std::condition_variable Ready;
  std::atomic<size_t> Next{0};
  auto Worker = [&] {
    for (size_t I = Next++; I < Files.size(); I = Next++) {
      std::optional<TuFacts> T;
      std::string Error;
      if (auto Text = readFile(Files[I])) {
        try {
          T.emplace();
          readFacts(*Text, *T);
          if (T->RulesDigest != RulesDigest)
            Error = Files[I] + ": error: facts were extracted with other "
                               "rule packs (" + T->RulesDigest +
                    ", this run has " + RulesDigest +
                    "); extract again with the same --rules";
        } catch (const std::exception &E) {
          Error = Files[I] + ": error: " + E.what();
        }
      } else {
        Error = Files[I] + ": error: cannot read facts";
      }
      if (!Error.empty())
        T.reset();
      {
        std::lock_guard<std::mutex> L(Mu);
        Parsed[I] = std::move(T);
        FileErrors[I] = std::move(Error);
        Done[I] = 1;
      }
      Ready.notify_all();
    }
  };
  unsigned N = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(),
                                               Files.size()));
  std::vector<std::thread> Threads;
  for (unsigned T = 0; T < N; ++T)
    Threads.emplace_back(Worker);
  bool Ok = true;
  // Stale facts usually means all of them: say it once, with a count.
  size_t Stale = 0;
  for (size_t I = 0; I < Files.size(); ++I) {
    std::optional<TuFacts> T;
    std::string Error;
    {
      std::unique_lock<std::mutex> L(Mu);
      Ready.wait(L, [&] { return Done[I] != 0; });
      T = std::move(Parsed[I]);
      Parsed[I].reset();
      Error = std::move(FileErrors[I]);
    }
    if (!Error.empty()) {
      Ok = false;
      if (Error.find("other rule packs") == std::string::npos || Stale++ == 0)
        Errors.push_back(Error);
    } else if (T) {
      Add(std::move(*T));
    }
  }
  for (auto &T : Threads)
    T.join();
  if (Stale > 1)
    Errors.push_back(Dir + ": error: " + std::to_string(Stale - 1) +
                     " more facts files were extracted with other rule packs");
  return Ok;
}

} // namespace blockwatch
