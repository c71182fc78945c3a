// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// The same shapes against the real libstdc++ headers, whose guards,
// condition variables and threads are templates over internal helpers.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

struct Inbox {
  std::mutex mu_;
  std::mutex stats_mu_;
  std::recursive_mutex rmu_;
  std::timed_mutex tmu_;
  std::shared_mutex smu_;
  std::condition_variable cv_;
  bool ready_ = false;
  int fd_ = -1;
  int size_ = 0;
  char buf_[64];

  void persist() { fsync(fd_); }
  void persist_all() { persist(); }
};

void lock_guard_bad(Inbox &in) {
  std::lock_guard<std::mutex> g(in.mu_);
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'std::this_thread::sleep_for' while 'Inbox::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Inbox::mu_' acquired here
}

void lock_guard_ok(Inbox &in) {
  {
    std::lock_guard<std::mutex> g(in.mu_);
    ++in.size_;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void unique_lock_ctad_bad(Inbox &in) {
  std::unique_lock lk(in.mu_);
  read(in.fd_, in.buf_, sizeof in.buf_);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'read' while 'Inbox::mu_' is held [blockwatch-blocking-under-lock]
  lk.unlock();
  read(in.fd_, in.buf_, sizeof in.buf_);
}

void unique_lock_defer_then_lock_bad(Inbox &in) {
  std::unique_lock<std::mutex> lk(in.mu_, std::defer_lock);
  lk.lock();
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Inbox::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Inbox::mu_' acquired here
}

void unique_lock_relock_ok(Inbox &in) {
  std::unique_lock<std::mutex> lk(in.mu_);
  ++in.size_;
  lk.unlock();
  ::sleep(1);
  lk.lock();
  --in.size_;
}

void recursive_adopt_bad(Inbox &in) {
  in.rmu_.lock();
  std::lock_guard<std::recursive_mutex> g(in.rmu_, std::adopt_lock);
  ::usleep(5);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'usleep' while 'Inbox::rmu_' is held [blockwatch-blocking-under-lock]
}

void timed_mutex_bad(Inbox &in) {
  std::unique_lock<std::timed_mutex> lk(in.tmu_, std::try_to_lock);
  if (!lk)
    return;
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Inbox::tmu_' is held [blockwatch-blocking-under-lock]
}

void shared_lock_bad(Inbox &in) {
  std::shared_lock lk(in.smu_);
  in.persist();
  // CHECK: :[[@LINE-1]]:3: warning: call to 'Inbox::persist' may block in 'fsync' while 'Inbox::smu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Inbox::smu_' acquired here
  // CHECK: :24:20: note: 'fsync' waits on file I/O here
}

void shared_lock_ok(Inbox &in) {
  int n;
  {
    std::shared_lock lk(in.smu_);
    n = in.size_;
  }
  ::usleep(n);
  in.persist_all();
}

void scoped_lock_bad(Inbox &in) {
  std::scoped_lock lk(in.mu_);
  in.persist_all();
  // CHECK: :[[@LINE-1]]:3: warning: call to 'Inbox::persist_all' may block in 'fsync' while 'Inbox::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :25:24: note: 'Inbox::persist_all' calls 'Inbox::persist'
}

void moved_guard_bad(Inbox &in) {
  std::unique_lock<std::mutex> lk(in.mu_);
  std::unique_lock<std::mutex> lk2 = std::move(lk);
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Inbox::mu_' is held [blockwatch-blocking-under-lock]
}

void cv_wait_predicate_ok(Inbox &in) {
  std::unique_lock<std::mutex> lk(in.mu_);
  in.cv_.wait(lk, [&] { return in.ready_; });
  in.cv_.wait_for(lk, std::chrono::seconds(1), [&] { return in.ready_; });
}

void cv_wait_other_lock_held_bad(Inbox &in) {
  std::lock_guard<std::mutex> stats(in.stats_mu_);
  std::unique_lock<std::mutex> lk(in.mu_);
  in.cv_.wait(lk, [&] { return in.ready_; });
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'std::condition_variable::wait' while 'Inbox::stats_mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-4]]:3: note: 'Inbox::stats_mu_' acquired here
}

void nested_lock_ok(Inbox &in) {
  std::lock_guard<std::mutex> a(in.mu_);
  std::lock_guard<std::mutex> b(in.stats_mu_);
  ++in.size_;
}

void thread_handoff_ok(Inbox &in) {
  std::lock_guard<std::mutex> g(in.mu_);
  std::thread([&in] { in.persist(); }).detach();
}

void thread_join_bad(Inbox &in, std::thread &t) {
  std::lock_guard<std::mutex> g(in.mu_);
  t.join();
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'std::thread::join' while 'Inbox::mu_' is held [blockwatch-blocking-under-lock]
}

void lambda_in_place_bad(Inbox &in) {
  std::lock_guard<std::mutex> g(in.mu_);
  [&in] { in.persist(); }();
  // CHECK: :[[@LINE-1]]:3: warning: call to '(lambda at {{.*}}real-headers-std.cpp:[[@LINE-1]]:3)' may block in 'fsync' while 'Inbox::mu_' is held [blockwatch-blocking-under-lock]
}
