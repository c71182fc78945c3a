// RUN: %tidy blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// Re-taking a mutex already held: a std::mutex deadlocks on itself, directly
// or through calls; a std::recursive_mutex is made for it.
#include <mutex>

struct Registry {
  std::mutex mu_;
  int n = 0;

  void add() {
    std::lock_guard<std::mutex> g(mu_);
    ++n;
  }
  void add_twice() {
    add();
  }

  void relock_bad() {
    std::lock_guard<std::mutex> g(mu_);
    mu_.lock();
    // CHECK: :[[@LINE-1]]:5: warning: 'Registry::mu_' is acquired while already held: a non-recursive mutex deadlocks on itself [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-3]]:5: note: 'Registry::mu_' first acquired here
    mu_.unlock();
  }
  void second_guard_bad() {
    std::unique_lock<std::mutex> a(mu_);
    std::lock_guard<std::mutex> b(mu_);
    // CHECK: :[[@LINE-1]]:5: warning: 'Registry::mu_' is acquired while already held: a non-recursive mutex deadlocks on itself [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-3]]:5: note: 'Registry::mu_' first acquired here
  }
  void add_locked_bad() {
    std::lock_guard<std::mutex> g(mu_);
    add();
    // CHECK: :[[@LINE-1]]:5: warning: call to 'Registry::add' acquires 'Registry::mu_', which is already held: a non-recursive mutex deadlocks on itself [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-3]]:5: note: 'Registry::mu_' first acquired here
    // CHECK: :[[@LINE-3]]:5: note: 'Registry::add_locked_bad' calls 'Registry::add'
    // CHECK: :[[@LINE-26]]:5: note: 'Registry::mu_' acquired here
  }
  void add_twice_locked_bad() {
    mu_.lock();
    add_twice();
    // CHECK: :[[@LINE-1]]:5: warning: call to 'Registry::add_twice' acquires 'Registry::mu_', which is already held: a non-recursive mutex deadlocks on itself [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-3]]:5: note: 'Registry::mu_' first acquired here
    // CHECK: :[[@LINE-3]]:5: note: 'Registry::add_twice_locked_bad' calls 'Registry::add_twice'
    // CHECK: :[[@LINE-30]]:5: note: 'Registry::add_twice' calls 'Registry::add'
    // CHECK: :[[@LINE-35]]:5: note: 'Registry::mu_' acquired here
    mu_.unlock();
  }

  // The twins release before re-taking.
  void relock_ok() {
    std::unique_lock<std::mutex> g(mu_);
    g.unlock();
    mu_.lock();
    mu_.unlock();
  }
  void second_guard_ok() {
    { std::lock_guard<std::mutex> a(mu_); }
    std::lock_guard<std::mutex> b(mu_);
  }
  void add_unlocked_ok() {
    mu_.lock();
    ++n;
    mu_.unlock();
    add();
  }
  void add_twice_after_scope_ok() {
    {
      std::lock_guard<std::mutex> g(mu_);
      ++n;
    }
    add_twice();
  }
};

// The same shapes on a recursive_mutex.
struct Tree {
  std::recursive_mutex mu_;
  int n = 0;

  void add() {
    std::lock_guard<std::recursive_mutex> g(mu_);
    ++n;
  }
  void add_twice() {
    add();
  }
  void relock_ok() {
    std::lock_guard<std::recursive_mutex> g(mu_);
    mu_.lock();
    mu_.unlock();
  }
  void second_guard_ok() {
    std::unique_lock<std::recursive_mutex> a(mu_);
    std::lock_guard<std::recursive_mutex> b(mu_);
  }
  void add_locked_ok() {
    std::lock_guard<std::recursive_mutex> g(mu_);
    add();
  }
  void add_twice_locked_ok() {
    mu_.lock();
    add_twice();
    mu_.unlock();
  }
};

// A recursive call made after the guard's scope re-takes nothing held.
struct Walker {
  std::mutex mu_;
  void walk_ok(int depth) {
    {
      std::lock_guard<std::mutex> g(mu_);
    }
    if (depth > 0)
      walk_ok(depth - 1);
  }
};
