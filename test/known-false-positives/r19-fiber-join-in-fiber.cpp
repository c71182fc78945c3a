// Known false positive R19 (docs/real-code.md): Boost.Fiber's
// examples/join.cpp. fiber::join called in a fiber suspends that fiber, and
// the scheduler runs the others: the thread does not block. The pack lists
// join as blocking in every context. Expected to fail until the pack can
// exclude the fiber context: lit then reports XPASS and the XFAIL line goes.
// XFAIL: *
// RUN: %bw-text blockwatch-blocking-on-event-loop %s -- -std=c++17 > %t.txt
// RUN: not grep warning: %t.txt
#include <functional>
#include <boost/fiber/all.hpp>
void waiter(boost::fibers::fiber &other) { other.join(); }
int main() {
  boost::fibers::fiber a([] { boost::this_fiber::yield(); });
  boost::fibers::fiber b(waiter, std::ref(a));
  b.join();
}
