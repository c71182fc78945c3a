//===- FuzzBaseline.cpp - libFuzzer target for the baseline reader --------===//
//
// What `--baseline LOG` does with the log's contents: readBaselineText must
// accept a SARIF 2.1.0 log or refuse it with one error that names the file;
// nothing may crash, leak or hang.
//
//===----------------------------------------------------------------------===//
#include "PostProcess.h"

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

using namespace blockwatch;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  const std::string File = "fuzz.sarif";
  std::string Text(reinterpret_cast<const char *>(Data), Size);
  std::multiset<std::string> Prints;
  std::string Error;
  bool Ok = readBaselineText(File, Text, Prints, Error);
  if (!Ok && Error.rfind(File + ": error: ", 0) != 0)
    std::abort(); // Refused without an error naming the file.
  if (Ok && !Error.empty())
    std::abort();
  return 0;
}
