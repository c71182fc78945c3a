// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// Every standard mutex type through every standard guard, and the guard
// operations that change whether the mutex is held.
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unistd.h>

struct Table {
  std::mutex mu_;
  std::recursive_mutex rmu_;
  std::timed_mutex tmu_;
  std::shared_mutex smu_;
  int fd_;
  char buf_[64];
  int rows_;
};

void lock_guard_mutex_bad(Table &t) {
  std::lock_guard<std::mutex> g(t.mu_);
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Table::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Table::mu_' acquired here
}

void lock_guard_mutex_ok(Table &t) {
  {
    std::lock_guard<std::mutex> g(t.mu_);
    ++t.rows_;
  }
  ::sleep(1);
}

void lock_guard_recursive_bad(Table &t) {
  std::lock_guard<std::recursive_mutex> g(t.rmu_);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'std::this_thread::sleep_for' while 'Table::rmu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Table::rmu_' acquired here
}

void lock_guard_recursive_ok(Table &t) {
  std::lock_guard<std::recursive_mutex> g(t.rmu_);
  std::this_thread::yield();
}

void unique_lock_timed_bad(Table &t) {
  std::unique_lock<std::timed_mutex> lk(t.tmu_);
  read(t.fd_, t.buf_, sizeof t.buf_);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'read' while 'Table::tmu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Table::tmu_' acquired here
}

void unique_lock_timed_ok(Table &t) {
  std::unique_lock<std::timed_mutex> lk(t.tmu_);
  lk.unlock();
  read(t.fd_, t.buf_, sizeof t.buf_);
}

void shared_lock_bad(Table &t) {
  std::shared_lock<std::shared_mutex> lk(t.smu_);
  ::usleep(100);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'usleep' while 'Table::smu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Table::smu_' acquired here
}

void shared_lock_ok(Table &t) {
  int rows;
  {
    std::shared_lock<std::shared_mutex> lk(t.smu_);
    rows = t.rows_;
  }
  ::usleep(rows);
}

void lock_guard_shared_mutex_bad(Table &t) {
  std::lock_guard<std::shared_mutex> g(t.smu_);
  write(t.fd_, t.buf_, 1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'write' while 'Table::smu_' is held [blockwatch-blocking-under-lock]
}

void defer_lock_then_lock_bad(Table &t) {
  std::unique_lock<std::mutex> lk(t.mu_, std::defer_lock);
  ++t.rows_;
  lk.lock();
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Table::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Table::mu_' acquired here
}

void try_to_lock_bad(Table &t) {
  std::unique_lock<std::mutex> lk(t.mu_, std::try_to_lock);
  if (!lk.owns_lock())
    return;
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Table::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-5]]:3: note: 'Table::mu_' acquired here
}

// Only the branch that saw the try succeed holds the lock.
void try_to_lock_failed_branch_ok(Table &t) {
  std::unique_lock<std::mutex> lk(t.mu_, std::try_to_lock);
  if (lk)
    ++t.rows_;
  else
    ::sleep(1);
}

void try_to_lock_ok(Table &t) {
  std::unique_lock<std::mutex> lk(t.mu_, std::try_to_lock);
  lk.unlock();
  ::sleep(1);
}

void mutex_try_lock_bad(Table &t) {
  if (t.mu_.try_lock()) {
    ::sleep(1);
    // CHECK: :[[@LINE-1]]:5: warning: blocking call 'sleep' while 'Table::mu_' is held [blockwatch-blocking-under-lock]
    t.mu_.unlock();
  }
  ::sleep(2);
}

void adopt_lock_bad(Table &t) {
  t.mu_.lock();
  std::unique_lock<std::mutex> lk(t.mu_, std::adopt_lock);
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Table::mu_' is held [blockwatch-blocking-under-lock]
}

void adopt_lock_ok(Table &t) {
  ::sleep(1);
  t.mu_.lock();
  std::unique_lock<std::mutex> lk(t.mu_, std::adopt_lock);
  ++t.rows_;
}

void unlock_then_relock_bad(Table &t) {
  std::unique_lock<std::mutex> lk(t.mu_);
  lk.unlock();
  ::sleep(1);
  lk.lock();
  ::sleep(2);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Table::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Table::mu_' acquired here
}

void unlock_around_blocking_ok(Table &t) {
  std::unique_lock<std::mutex> lk(t.mu_);
  ++t.rows_;
  lk.unlock();
  ::sleep(1);
  lk.lock();
  --t.rows_;
}

void moved_guard_bad(Table &t) {
  std::unique_lock<std::mutex> lk(t.mu_);
  auto lk2 = std::move(lk);
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Table::mu_' is held [blockwatch-blocking-under-lock]
}

void moved_guard_scope_ok(Table &t) {
  {
    std::unique_lock<std::mutex> lk(t.mu_);
    auto lk2 = std::move(lk);
    ++t.rows_;
  }
  ::sleep(1);
}

void scoped_lock_bad(Table &t) {
  std::scoped_lock g(t.mu_);
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Table::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Table::mu_' acquired here
}

void scoped_lock_two_bad(Table &t) {
  std::scoped_lock g(t.mu_, t.rmu_);
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Table::{{r?}}mu_' is held [blockwatch-blocking-under-lock]
}

void scoped_lock_ok(Table &t) {
  {
    std::scoped_lock g(t.mu_);
    ++t.rows_;
  }
  ::sleep(1);
}

void scoped_lock_two_ok(Table &t) {
  ::sleep(1);
  std::scoped_lock g(t.mu_, t.rmu_);
  ++t.rows_;
}
