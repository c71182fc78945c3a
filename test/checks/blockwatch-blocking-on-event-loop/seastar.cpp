// RUN: %tidy blockwatch-blocking-on-event-loop %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-on-event-loop %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
#include <seastar/core/coroutine.hh>
#include <seastar/core/future.hh>
#include <seastar/core/reactor.hh>
#include <seastar/core/sleep.hh>
#include <seastar/core/smp.hh>
#include <seastar/core/thread.hh>
#include <unistd.h>

seastar::future<int> load();

void flush_file(int fd) {
  fsync(fd);
  // CHECK: :[[@LINE-1]]:3: warning: 'fsync' blocks the reactor (shard) thread; this code runs in the callable passed to 'seastar::future::then' at seastar.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

seastar::future<> continuation_bad() {
  return load().then([] { flush_file(3); });
}

seastar::future<> coroutine_bad() {
  sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the reactor (shard) thread; this code runs in the coroutine 'coroutine_bad' at seastar.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
  co_await load();
}

// A seastar thread has its own stack but runs on the reactor.
seastar::future<> seastar_thread_bad() {
  return seastar::async([] {
    usleep(10);
    // CHECK: :[[@LINE-1]]:5: warning: 'usleep' blocks the reactor (shard) thread; this code runs in the callable passed to 'seastar::async' at seastar.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
  });
}

seastar::future<> seastar_thread_attr_bad() {
  return seastar::async(seastar::thread_attributes{}, [] {
    usleep(20);
    // CHECK: :[[@LINE-1]]:5: warning: 'usleep' blocks the reactor (shard) thread; this code runs in the callable passed to 'seastar::async' at seastar.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
  });
}

seastar::future<> other_shard_bad() {
  return seastar::smp::submit_to(1, [] {
    sleep(2);
    // CHECK: :[[@LINE-1]]:5: warning: 'sleep' blocks the reactor (shard) thread; this code runs in the callable passed to 'seastar::smp::submit_to' at seastar.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
  });
}

// The syscall thread pool runs the function off the reactor.
seastar::future<> thread_pool_ok() {
  return seastar::engine()._thread_pool->submit<int>([] {
    flush_file(4);
    return 0;
  }).then([] {});
}

// seastar::sleep returns a future: the reactor keeps running.
seastar::future<> seastar_sleep_ok() {
  co_await seastar::sleep(std::chrono::seconds(1));
}

// Called only from main, before the reactor starts.
int main() {
  flush_file(5);
  sleep(3);
}
