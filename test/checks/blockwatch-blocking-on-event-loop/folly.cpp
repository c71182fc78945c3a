// RUN: %tidy blockwatch-blocking-on-event-loop %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-on-event-loop %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
#include <folly/coro/BlockingWait.h>
#include <folly/coro/Task.h>
#include <folly/executors/CPUThreadPoolExecutor.h>
#include <folly/executors/IOThreadPoolExecutor.h>
#include <folly/futures/Future.h>
#include <folly/io/async/EventBase.h>
#include <folly/synchronization/Baton.h>
#include <unistd.h>

folly::Future<int> fetchRemote();
folly::Baton<> ready;
folly::CPUThreadPoolExecutor cpu(4);

int fetchSync() {
  return std::move(fetchRemote()).get();
  // CHECK: :[[@LINE-1]]:10: warning: 'folly::Future::get' blocks the EventBase thread; this code runs in the callable passed to 'folly::EventBase::runInEventBaseThread' at folly.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
  // CHECK: :[[@LINE-2]]:10: note: use a continuation (thenValue) or co_await in a folly::coro::Task instead
}

void run_in_evb_thread_bad(folly::EventBase &evb) {
  evb.runInEventBaseThread([] { fetchSync(); });
}

void run_in_loop_bad(folly::EventBase &evb) {
  evb.runInLoop([] {
    ready.wait();
    // CHECK: :[[@LINE-1]]:5: warning: 'folly::Baton::wait' blocks the EventBase thread; this code runs in the callable passed to 'folly::EventBase::runInLoop' at folly.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
  });
}

void run_after_delay_bad(folly::EventBase &evb) {
  evb.runAfterDelay([] {
    sleep(1);
    // CHECK: :[[@LINE-1]]:5: warning: 'sleep' blocks the EventBase thread; this code runs in the callable passed to 'folly::EventBase::runAfterDelay' at folly.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
  }, 100);
}

// The caller waits, but the callable itself runs on the EventBase thread.
void run_and_wait_bad(folly::EventBase &evb) {
  evb.runInEventBaseThreadAndWait([] {
    usleep(10);
    // CHECK: :[[@LINE-1]]:5: warning: 'usleep' blocks the EventBase thread; this code runs in the callable passed to 'folly::EventBase::runInEventBaseThreadAndWait' at folly.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
  });
}

void io_pool_bad(folly::IOThreadPoolExecutor &io) {
  io.add([] {
    fsync(3);
    // CHECK: :[[@LINE-1]]:5: warning: 'fsync' blocks the EventBase thread; this code runs in the callable passed to 'folly::IOThreadPoolExecutor::add' at folly.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
  });
}

folly::coro::Task<void> handle_request() {
  folly::coro::blockingWait(folly::coro::Task<void>());
  // CHECK: :[[@LINE-1]]:3: warning: 'folly::coro::blockingWait' blocks the EventBase thread; this code runs in the coroutine 'handle_request' at folly.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
  co_return;
}

// Blocking work handed to the CPU pool leaves the EventBase thread.
void cpu_pool_ok(folly::EventBase &evb) {
  evb.runInEventBaseThread([] {
    cpu.add([] {
      sleep(2);
      fetchSync();
      ready.wait();
    });
  });
}

// Non-blocking calls on the EventBase thread stay silent.
void nonblocking_ok(folly::EventBase &evb) {
  evb.runInEventBaseThread([] {
    std::move(fetchRemote()).thenValue([](int) {});
    if (ready.try_wait())
      ready.post();
  });
}

// main blocks before and after the loop runs, not on it.
int main() {
  folly::EventBase evb;
  fetchSync();
  folly::coro::blockingWait(handle_request());
  evb.loopForever();
}
