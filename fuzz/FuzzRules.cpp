//===- FuzzRules.cpp - libFuzzer target for the rule-pack loader ----------===//
//
// Feeds arbitrary bytes to RuleSet::loadText, as `--rules FILE` does with a
// file's contents. Every input must either load or be rejected with at least
// one error that names the file; nothing may crash, leak or hang. When a
// pack loads, a few lookups run its patterns, so a regex that compiles but
// cannot be matched is found too.
//
//===----------------------------------------------------------------------===//
#include "analysis/RuleSet.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace blockwatch;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  const std::string File = "fuzz.json";
  std::string Text(reinterpret_cast<const char *>(Data), Size);
  RuleSet RS;
  std::vector<std::string> Errors;
  bool Ok = RS.loadText(File, Text, Errors);
  if (!Ok && Errors.empty())
    std::abort(); // Rejected without saying why.
  for (const auto &E : Errors)
    if (E.rfind(File, 0) != 0)
      std::abort(); // An error that does not name the file.
  if (!Ok)
    return 0;
  RS.checkContextRefs(Errors);
  (void)RS.digest();
  for (const char *Name : {"::std::this_thread::sleep_for", "::std::mutex",
                           "::boost::asio::post", "::read", "::fuzz::x"}) {
    (void)RS.blocking(Name);
    (void)RS.mutex(Name);
    (void)RS.guard(Name);
    (void)RS.spawns(Name);
    (void)RS.channel(Name);
    (void)RS.taskType(Name);
    (void)RS.isNonBlocking(Name);
  }
  return 0;
}
