// RUN: %tidy blockwatch-blocking-on-event-loop %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-on-event-loop %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %clang-tidy --load=%plugin --checks='-*,blockwatch-blocking-on-event-loop' %s --export-fixes=%t.yaml -- -std=c++20 -nostdlibinc -isystem %mocks > /dev/null 2>&1
// RUN: FileCheck --check-prefix=FIX %s < %t.yaml
#include <boost/fiber/all.hpp>
#include <mutex>
#include <thread>

std::mutex g_mu;
boost::fibers::mutex f_mu;

void sleep_in_fiber_bad() {
  boost::fibers::fiber f([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    // CHECK: :[[@LINE-1]]:5: warning: 'std::this_thread::sleep_for' blocks the fiber scheduler's thread; this code runs in the fiber started at fiber-mock.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
    // CHECK-NEXT: {{^}}   [[@LINE-2]] |     std::this_thread::sleep_for(std::chrono::milliseconds(5));
    // CHECK-NEXT: {{^}}      |     ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
    // CHECK-NEXT: {{^}}      |     boost::this_fiber::sleep_for
    // FIX: ReplacementText: 'boost::this_fiber::sleep_for'
  });
  f.join();
}

void fiber_sleep_ok() {
  boost::fibers::fiber f([] {
    boost::this_fiber::sleep_for(std::chrono::milliseconds(5));
  });
  f.join();
}

void std_mutex_in_fiber_bad() {
  boost::fibers::fiber f([] { std::lock_guard<std::mutex> g(g_mu); });
  // CHECK: :[[@LINE-1]]:31: warning: locking 'g_mu' blocks the fiber scheduler's thread; this code runs in the fiber started at fiber-mock.cpp:[[@LINE-1]] [blockwatch-blocking-on-event-loop]
  f.join();
}

void fiber_mutex_ok() {
  boost::fibers::fiber f([] { std::lock_guard<boost::fibers::mutex> g(f_mu); });
  f.join();
}

void yield_bad() {
  boost::fibers::fiber f([] { std::this_thread::yield(); });
  // CHECK: :[[@LINE-1]]:31: warning: 'std::this_thread::yield' blocks the fiber scheduler's thread; this code runs in the fiber started at fiber-mock.cpp:[[@LINE-1]] [blockwatch-blocking-on-event-loop]
  // FIX: ReplacementText: 'boost::this_fiber::yield'
  f.join();
}

// std::this_thread::yield stalls nothing outside a fiber.
void yield_on_thread_ok() {
  std::thread t([] { std::this_thread::yield(); });
  t.join();
}

void work() { std::this_thread::sleep_for(std::chrono::seconds(1)); }

void async_fiber_bad() {
  auto fut = boost::fibers::async([] { work(); });
  // CHECK: :[[@LINE-4]]:15: warning: 'std::this_thread::sleep_for' blocks the fiber scheduler's thread; this code runs in the fiber started at fiber-mock.cpp:[[@LINE-1]] [blockwatch-blocking-on-event-loop]
  // CHECK: :[[@LINE-2]]:40: note: '(lambda at fiber-mock.cpp:[[@LINE-2]]:35)' calls 'work'
  fut.get();
}

// The same helper handed to a worker thread is not on the fiber scheduler.
void worker_thread_ok() {
  std::thread t(&work);
  t.join();
}
