// RUN: %tidy blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// Orders taken on branches: both orders in the two arms of one function, or
// one order inside a branch and the other elsewhere. The twins scope each
// guard to its arm, so no lock is held when the other is taken.
#include <mutex>

struct Router {
  std::mutex routes_mu_;
  std::mutex peers_mu_;

  void update_bad(bool from_peer) {
    if (from_peer) {
      std::lock_guard<std::mutex> p(peers_mu_);
      std::lock_guard<std::mutex> r(routes_mu_);
      // CHECK: :[[@LINE+7]]:7: warning: lock order inversion: 'Router::peers_mu_' is acquired while 'Router::routes_mu_' is held, but elsewhere 'Router::routes_mu_' is acquired while 'Router::peers_mu_' is held [blockwatch-lock-order-inversion]
      // CHECK: :[[@LINE-3]]:7: note: 'Router::peers_mu_' held here (in 'Router::update_bad')
      // CHECK: :[[@LINE-3]]:7: note: 'Router::routes_mu_' acquired here
      // CHECK: :[[@LINE+3]]:7: note: 'Router::routes_mu_' held here (in 'Router::update_bad')
      // CHECK: :[[@LINE+3]]:7: note: 'Router::peers_mu_' acquired here
    } else {
      std::lock_guard<std::mutex> r(routes_mu_);
      std::lock_guard<std::mutex> p(peers_mu_);
    }
  }
};

struct Table {
  std::mutex routes_mu_;
  std::mutex peers_mu_;

  void update_ok(bool from_peer) {
    if (from_peer) {
      std::lock_guard<std::mutex> p(peers_mu_);
    } else {
      std::lock_guard<std::mutex> r(routes_mu_);
    }
    std::lock_guard<std::mutex> p(peers_mu_);
  }
  void both_arms_same_order_ok(bool from_peer) {
    if (from_peer) {
      std::lock_guard<std::mutex> r(routes_mu_);
      std::lock_guard<std::mutex> p(peers_mu_);
    } else {
      std::lock_guard<std::mutex> r(routes_mu_);
      std::lock_guard<std::mutex> p(peers_mu_);
    }
  }
};

// One order inside a loop body with an early exit, the other in another
// function.
struct Worker {
  std::mutex queue_mu_;
  std::mutex state_mu_;
  int pending = 0;

  void drain_bad() {
    for (int i = 0; i < 8; ++i) {
      std::lock_guard<std::mutex> q(queue_mu_);
      if (pending == 0)
        return;
      std::lock_guard<std::mutex> s(state_mu_);
      --pending;
    }
  }
  void reset_bad() {
    std::lock_guard<std::mutex> s(state_mu_);
    if (pending > 0) {
      std::lock_guard<std::mutex> q(queue_mu_);
      pending = 0;
      // CHECK: :[[@LINE-2]]:7: warning: lock order inversion: 'Worker::queue_mu_' is acquired while 'Worker::state_mu_' is held, but elsewhere 'Worker::state_mu_' is acquired while 'Worker::queue_mu_' is held [blockwatch-lock-order-inversion]
      // CHECK: :[[@LINE-13]]:7: note: 'Worker::queue_mu_' held here (in 'Worker::drain_bad')
      // CHECK: :[[@LINE-11]]:7: note: 'Worker::state_mu_' acquired here
      // CHECK: :[[@LINE-7]]:5: note: 'Worker::state_mu_' held here (in 'Worker::reset_bad')
      // CHECK: :[[@LINE-6]]:7: note: 'Worker::queue_mu_' acquired here
    }
  }
};

struct Idle {
  std::mutex queue_mu_;
  std::mutex state_mu_;
  int pending = 0;

  void drain_ok() {
    for (int i = 0; i < 8; ++i) {
      std::lock_guard<std::mutex> q(queue_mu_);
      if (pending == 0)
        return;
      std::lock_guard<std::mutex> s(state_mu_);
      --pending;
    }
  }
  void reset_ok() {
    {
      std::lock_guard<std::mutex> s(state_mu_);
      if (pending == 0)
        return;
    }
    std::lock_guard<std::mutex> q(queue_mu_);
    pending = 0;
  }
};
