//===- FuzzFacts.cpp - libFuzzer target for the facts reader --------------===//
//
// What `--merge DIR` does with each *.facts.json: readFacts, where every bad
// document must end in an std::exception (the
// driver turns it into "FILE: error: ..."). A document that reads is then
// merged and analysed with the builtin rule packs and every rule, since
// facts from disk are trusted by the analysis as if blockwatch had
// extracted them itself.
//
//===----------------------------------------------------------------------===//
#include "analysis/Analysis.h"
#include "analysis/Facts.h"
#include "analysis/RuleSet.h"

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace blockwatch;

static const RuleSet &builtinRules() {
  static std::shared_ptr<const RuleSet> RS = [] {
    std::vector<std::string> Errors;
    auto R = RuleSet::create("", Errors);
    if (!R)
      std::abort();
    return R;
  }();
  return *RS;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  TuFacts T;
  try {
    readFacts(std::string_view(reinterpret_cast<const char *>(Data), Size), T);
  } catch (const std::exception &) {
    return 0; // Rejected, as the driver would.
  }
  Program P;
  P.add(T);
  AnalysisOptions AO;
  static const std::set<std::string> All = {
      rules::BlockingOnEventLoop,     rules::BlockingUnderLock,
      rules::LockOrderInversion,      rules::ReadWithoutDeadline,
      rules::ForeignCallWithoutHandoff, rules::ChannelSelfDeadlock};
  (void)analyze(P, builtinRules(), AO, All);
  return 0;
}
