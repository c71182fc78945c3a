// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// A condition wait releases the lock it is given, so only the other held
// locks count. Taking a second mutex is a lock-order question, not a
// blocking call under a lock.
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <pthread.h>
#include <thread>

struct Queue {
  std::mutex mu_;
  std::mutex stats_mu_;
  std::condition_variable cv_;
  bool ready_;
  int items_;
};

pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
bool g_ready;

void cv_wait_on_held_lock_ok(Queue &q) {
  std::unique_lock<std::mutex> lk(q.mu_);
  while (!q.ready_)
    q.cv_.wait(lk);
  --q.items_;
}

void cv_wait_predicate_ok(Queue &q) {
  std::unique_lock<std::mutex> lk(q.mu_);
  q.cv_.wait(lk, [&] { return q.ready_; });
  q.cv_.wait_for(lk, std::chrono::milliseconds(10));
}

void cv_wait_while_other_lock_held_bad(Queue &q) {
  std::lock_guard<std::mutex> stats(q.stats_mu_);
  std::unique_lock<std::mutex> lk(q.mu_);
  q.cv_.wait(lk);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'std::condition_variable::wait' while 'Queue::stats_mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-4]]:3: note: 'Queue::stats_mu_' acquired here
}

void cv_wait_after_other_lock_released_ok(Queue &q) {
  {
    std::lock_guard<std::mutex> stats(q.stats_mu_);
    ++q.items_;
  }
  std::unique_lock<std::mutex> lk(q.mu_);
  q.cv_.wait(lk);
}

void cv_wait_for_while_other_lock_held_bad(Queue &q) {
  q.stats_mu_.lock();
  std::unique_lock<std::mutex> lk(q.mu_);
  q.cv_.wait_for(lk, std::chrono::seconds(1));
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'std::condition_variable::wait_for' while 'Queue::stats_mu_' is held [blockwatch-blocking-under-lock]
  q.stats_mu_.unlock();
}

void nested_guard_ok(Queue &q) {
  std::lock_guard<std::mutex> a(q.mu_);
  std::lock_guard<std::mutex> b(q.stats_mu_);
  ++q.items_;
}

void nested_manual_and_pthread_ok(Queue &q) {
  std::lock_guard<std::mutex> a(q.mu_);
  q.stats_mu_.lock();
  ++q.items_;
  q.stats_mu_.unlock();
  pthread_mutex_lock(&g_mu);
  g_ready = true;
  pthread_mutex_unlock(&g_mu);
}

void std_lock_both_ok(Queue &q) {
  std::unique_lock<std::mutex> a(q.mu_, std::defer_lock);
  std::unique_lock<std::mutex> b(q.stats_mu_, std::defer_lock);
  std::lock(a, b);
  ++q.items_;
}

void join_while_held_bad(Queue &q, std::thread &worker) {
  std::lock_guard<std::mutex> g(q.mu_);
  worker.join();
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'std::thread::join' while 'Queue::mu_' is held [blockwatch-blocking-under-lock]
}

void join_after_release_ok(Queue &q, std::thread &worker) {
  {
    std::lock_guard<std::mutex> g(q.mu_);
    q.ready_ = true;
  }
  q.cv_.notify_all();
  worker.join();
}

void future_get_under_lock_bad(Queue &q, std::future<int> &result) {
  std::lock_guard<std::mutex> g(q.mu_);
  q.items_ = result.get();
  // CHECK: :[[@LINE-1]]:14: warning: blocking call 'std::future::get' while 'Queue::mu_' is held [blockwatch-blocking-under-lock]
}

void future_get_outside_lock_ok(Queue &q, std::future<int> &result) {
  int n = result.get();
  std::lock_guard<std::mutex> g(q.mu_);
  q.items_ = n;
}
