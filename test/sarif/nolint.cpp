// NOLINT forms, honoured by the driver as clang-tidy honours them; with
// --include-suppressed they become SARIF suppressions.
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: not %blockwatch --checks='-*,blockwatch-blocking-under-lock' --include-suppressed --format=sarif --srcroot %S %s -o %t.sarif -- -std=c++20 -nostdlibinc -isystem %mocks
// RUN: %check-sarif %t.sarif --src-root %S
// RUN: %python -c "import json; r=json.load(open('%t.sarif'))['runs'][0]['results']; s=[x for x in r if x.get('suppressions')]; assert len(r) == 6 and len(s) == 5, (len(r), len(s)); assert all(x['suppressions'][0]['kind'] == 'inSource' for x in s)"
#include <mutex>
#include <unistd.h>

std::mutex m;

void same_line() {
  std::lock_guard<std::mutex> g(m);
  ::sleep(1); // NOLINT
}

void same_line_named() {
  std::lock_guard<std::mutex> g(m);
  ::sleep(1); // NOLINT(blockwatch-blocking-under-lock)
}

void same_line_glob() {
  std::lock_guard<std::mutex> g(m);
  ::sleep(1); // NOLINT(blockwatch-*)
}

void other_check_named() {
  std::lock_guard<std::mutex> g(m);
  ::sleep(1); // NOLINT(bugprone-*)
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'm' is held [blockwatch-blocking-under-lock]
}

void next_line() {
  std::lock_guard<std::mutex> g(m);
  // NOLINTNEXTLINE(blockwatch-blocking-under-lock)
  ::sleep(1);
}

// NOLINTBEGIN(blockwatch-blocking-under-lock)
void block() {
  std::lock_guard<std::mutex> g(m);
  ::sleep(1);
}
// NOLINTEND(blockwatch-blocking-under-lock)
