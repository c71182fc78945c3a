//===- BlockwatchClangdMain.cpp - clangd with the blockwatch checks -------===//
//
// Stock clangd 19 (clangdMain from the LLVM installation) with the blockwatch
// clang-tidy module linked in. Users enable the checks in .clangd:
//   Diagnostics:
//     ClangTidy:
//       Add: [blockwatch-*]
// See docs/integrations.md.
//
//===----------------------------------------------------------------------===//

#include "BlockwatchCheck.h"

#include "clang/Frontend/CompilerInvocation.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <cstdlib>
#include <string>
#include <vector>

namespace clang::clangd {
int clangdMain(int argc, char *argv[]);
} // namespace clang::clangd

namespace clang::tidy::blockwatch {
extern volatile int BlockwatchModuleAnchorSource;
// Referencing the module's anchor keeps its registration in the link.
[[maybe_unused]] static int BlockwatchModuleAnchorDestination =
    BlockwatchModuleAnchorSource;
} // namespace clang::tidy::blockwatch

namespace {

bool mentionsResourceDir(llvm::StringRef Arg) {
  return Arg.contains("resource-dir");
}

// Like stock clangd, the headers come from <exe>/../lib/clang/<major>, which
// exists when this binary sits in LLVM's bin directory. Built or installed
// anywhere else, fall back to the resource directory of the Clang it was
// built against instead of parsing without <stddef.h> and friends.
bool needsResourceDir(int Argc, char *Argv[]) {
  for (int I = 1; I < Argc; ++I)
    if (mentionsResourceDir(Argv[I]))
      return false;
  // clangd also reads flags from $CLANGD_FLAGS; a second --resource-dir
  // would be an error.
  if (const char *Env = std::getenv("CLANGD_FLAGS"))
    if (mentionsResourceDir(Env))
      return false;
  static int StaticForMainAddr;
  std::string Standard = clang::CompilerInvocation::GetResourcesPath(
      Argv[0], static_cast<void *>(&StaticForMainAddr));
  llvm::SmallString<256> Probe(Standard);
  llvm::sys::path::append(Probe, "include", "stddef.h");
  return !llvm::sys::fs::exists(Probe);
}

} // namespace

int main(int argc, char *argv[]) {
  clang::tidy::blockwatch::reportConfigurationErrorsInFile();
  if (!needsResourceDir(argc, argv))
    return clang::clangd::clangdMain(argc, argv);
  static char ResourceDirFlag[] =
      "--resource-dir=" BLOCKWATCH_CLANG_RESOURCE_DIR;
  std::vector<char *> Args(argv, argv + argc);
  Args.push_back(ResourceDirFlag);
  Args.push_back(nullptr);
  return clang::clangd::clangdMain(static_cast<int>(Args.size()) - 1,
                                   Args.data());
}
