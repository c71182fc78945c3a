// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// A co_await suspends with the lock still held: other tasks wait on it, and
// the coroutine may resume on a thread that does not own the mutex.
#include <boost/asio.hpp>
#include <coroutine>
#include <mutex>
#include <unistd.h>

struct Task {
  struct promise_type {
    Task get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

struct NextTick {
  bool await_ready() { return false; }
  void await_suspend(std::coroutine_handle<>) {}
  void await_resume() {}
};

struct Cache {
  std::mutex mu_;
  int hits_;
};

Task co_await_under_guard_bad(Cache &c) {
  std::lock_guard<std::mutex> g(c.mu_);
  co_await NextTick{};
  // CHECK: :[[@LINE-1]]:3: warning: 'co_await' while 'Cache::mu_' is held: the coroutine may resume on another thread and other tasks wait on the lock meanwhile [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Cache::mu_' acquired here
}

Task co_await_after_guard_scope_ok(Cache &c) {
  {
    std::lock_guard<std::mutex> g(c.mu_);
    ++c.hits_;
  }
  co_await NextTick{};
}

Task co_await_manual_lock_bad(Cache &c) {
  c.mu_.lock();
  co_await std::suspend_always{};
  // CHECK: :[[@LINE-1]]:3: warning: 'co_await' while 'Cache::mu_' is held: {{.*}} [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Cache::mu_' acquired here
  c.mu_.unlock();
}

Task co_await_after_manual_unlock_ok(Cache &c) {
  c.mu_.lock();
  ++c.hits_;
  c.mu_.unlock();
  co_await std::suspend_always{};
}

Task co_await_after_unique_lock_unlock_ok(Cache &c) {
  std::unique_lock<std::mutex> lk(c.mu_);
  ++c.hits_;
  lk.unlock();
  co_await NextTick{};
}

Task blocking_call_in_coroutine_under_lock_bad(Cache &c) {
  std::lock_guard<std::mutex> g(c.mu_);
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Cache::mu_' is held [blockwatch-blocking-under-lock]
  co_return;
}

Task co_return_under_lock_ok(Cache &c) {
  std::lock_guard<std::mutex> g(c.mu_);
  ++c.hits_;
  co_return;
}

boost::asio::awaitable<void> refill(Cache &c);

boost::asio::awaitable<void> asio_co_await_under_lock_bad(Cache &c) {
  std::lock_guard<std::mutex> g(c.mu_);
  co_await refill(c);
  // CHECK: :[[@LINE-1]]:3: warning: 'co_await' while 'Cache::mu_' is held: {{.*}} [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Cache::mu_' acquired here
}

boost::asio::awaitable<void> asio_co_await_after_lock_ok(Cache &c) {
  {
    std::lock_guard<std::mutex> g(c.mu_);
    ++c.hits_;
  }
  co_await refill(c);
}
