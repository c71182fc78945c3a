// RUN: %tidy blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: not %blockwatch --checks='-*,blockwatch-lock-order-inversion' --export-fixes=%t.yaml %s -- -std=c++20 -nostdlibinc -isystem %mocks > /dev/null
// RUN: FileCheck --check-prefix=FIX %s < %t.yaml
// FIX: ReplacementText: 'std::scoped_lock a(y, x);'
// FIX: ReplacementText: 'std::scoped_lock a(f2, f1);'
// Cycles sharing locks, mutexes passed by reference, instances of one class,
// std::lock over deferred guards, recursion, and the scoped_lock fix-it.
#include <mutex>
#include <shared_mutex>

// Two cycles through y: each is reported.
std::mutex x, y, z;
void xy_bad() { std::lock_guard<std::mutex> a(x); std::lock_guard<std::mutex> b(y); }
void yx_bad() { std::lock_guard<std::mutex> a(y); std::lock_guard<std::mutex> b(x); }
// CHECK: :[[@LINE-1]]:51: warning: lock order inversion: 'x' is acquired while 'y' is held, but elsewhere 'y' is acquired while 'x' is held [blockwatch-lock-order-inversion]
void yz_bad() { std::lock_guard<std::mutex> a(y); std::lock_guard<std::mutex> b(z); }
void zy_bad() { std::lock_guard<std::mutex> a(z); std::lock_guard<std::mutex> b(y); }
// CHECK: :[[@LINE-1]]:51: warning: lock order inversion: 'y' is acquired while 'z' is held, but elsewhere 'z' is acquired while 'y' is held [blockwatch-lock-order-inversion]

// A harmless reader pair in the same component does not hide a real cycle.
std::shared_mutex ra, rb;
std::mutex rc;
void ab_ok() { std::unique_lock<std::shared_mutex> p(ra); std::shared_lock<std::shared_mutex> q(rb); }
void ba_ok() { std::shared_lock<std::shared_mutex> p(rb); std::unique_lock<std::shared_mutex> q(ra); }
void bc_bad() { std::lock_guard<std::shared_mutex> p(rb); std::lock_guard<std::mutex> q(rc); }
void cb_bad() { std::lock_guard<std::mutex> p(rc); std::lock_guard<std::shared_mutex> q(rb); }
// CHECK: :[[@LINE-1]]:52: warning: lock order inversion: 'rb' is acquired while 'rc' is held, but elsewhere 'rc' is acquired while 'rb' is held [blockwatch-lock-order-inversion]

// A mutex passed by reference is the caller's argument.
std::mutex p, q;
void locked_helper(std::mutex &m) { std::lock_guard<std::mutex> g(m); }
void pq_bad() { std::lock_guard<std::mutex> a(p); locked_helper(q); }
void qp_bad() { std::lock_guard<std::mutex> a(q); locked_helper(p); }
// CHECK: :[[@LINE-1]]:51: warning: lock order inversion: 'p' is acquired while 'q' is held, but elsewhere 'q' is acquired while 'p' is held [blockwatch-lock-order-inversion]
// CHECK: :[[@LINE-2]]:51: note: 'qp_bad' calls 'locked_helper'
std::mutex s1, s2;
void s12_ok() { std::lock_guard<std::mutex> a(s1); locked_helper(s2); }
void s12_again_ok() { std::lock_guard<std::mutex> a(s1); locked_helper(s2); }

// Two objects of one class are two locks; without knowing which, no report.
struct Account { std::mutex mu_; int balance = 0; };
void transfer_ok(Account &from, Account &to) {
  std::lock_guard<std::mutex> a(from.mu_);
  std::lock_guard<std::mutex> b(to.mu_);
}

// std::lock over deferred guards holds both afterwards.
std::mutex d1, d2, d3;
void deferred_pair_bad() {
  std::unique_lock<std::mutex> l1(d1, std::defer_lock), l2(d2, std::defer_lock);
  std::lock(l1, l2);
  std::lock_guard<std::mutex> g(d3);
}
void d3_then_d1_bad() { std::lock_guard<std::mutex> g(d3); std::lock_guard<std::mutex> g1(d1); }
// CHECK: :[[@LINE-1]]:60: warning: lock order inversion: 'd1' is acquired while 'd3' is held, but elsewhere 'd3' is acquired while 'd1' is held [blockwatch-lock-order-inversion]

// Recursion under the lock the function takes.
struct Tree {
  std::mutex mu_;
  void walk_bad(int depth) {
    std::lock_guard<std::mutex> g(mu_);
    if (depth)
      walk_bad(depth - 1);
    // CHECK: :[[@LINE-1]]:7: warning: call to 'Tree::walk_bad' acquires 'Tree::mu_', which is already held: a non-recursive mutex deadlocks on itself [blockwatch-lock-order-inversion]
  }
  void walk_other_ok(Tree &child, int depth) {
    std::lock_guard<std::mutex> g(mu_);
    if (depth)
      child.walk_unlocked(depth - 1);
  }
  void walk_unlocked(int depth) { std::lock_guard<std::mutex> g(mu_); (void)depth; }
};

// Adjacent guards in one scope: the fix-it takes both at once.
std::mutex f1, f2;
void f12_bad() {
  std::lock_guard<std::mutex> a(f1);
  std::lock_guard<std::mutex> b(f2);
}
void f21_bad() {
  std::lock_guard<std::mutex> a(f2);
  std::lock_guard<std::mutex> b(f1);
  // CHECK: :[[@LINE-1]]:3: warning: lock order inversion: 'f1' is acquired while 'f2' is held, but elsewhere 'f2' is acquired while 'f1' is held [blockwatch-lock-order-inversion]
}
