// RUN: %tidy blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// std::scoped_lock and std::lock take several mutexes with a deadlock
// avoidance algorithm: no order among them. A try_lock that backs off on
// failure never waits: no order either. Locks taken after them do order.
#include <mutex>

struct Transfer {
  std::mutex from_mu_;
  std::mutex to_mu_;

  void forward_ok() { std::scoped_lock l(from_mu_, to_mu_); }
  void backward_ok() { std::scoped_lock l(to_mu_, from_mu_); }
  void std_lock_ok() {
    std::lock(to_mu_, from_mu_);
    std::lock_guard<std::mutex> a(to_mu_, std::adopt_lock);
    std::lock_guard<std::mutex> b(from_mu_, std::adopt_lock);
  }
  void std_lock_manual_ok() {
    std::lock(from_mu_, to_mu_);
    to_mu_.unlock();
    from_mu_.unlock();
  }
};

// A third lock taken while a scoped_lock holds two is ordered after both;
// the twin takes the reverse pair together.
struct Journal {
  std::mutex from_mu_;
  std::mutex to_mu_;
  std::mutex log_mu_;

  void transfer_bad() {
    std::scoped_lock l(from_mu_, to_mu_);
    std::lock_guard<std::mutex> g(log_mu_);
  }
  void rotate_bad() {
    std::lock_guard<std::mutex> g(log_mu_);
    std::scoped_lock l(to_mu_);
    // CHECK: :[[@LINE-5]]:5: warning: lock order inversion: 'Journal::log_mu_' is acquired while 'Journal::to_mu_' is held, but elsewhere 'Journal::to_mu_' is acquired while 'Journal::log_mu_' is held [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-3]]:5: note: 'Journal::log_mu_' held here (in 'Journal::rotate_bad')
    // CHECK: :[[@LINE-3]]:5: note: 'Journal::to_mu_' acquired here
    // CHECK: :[[@LINE-9]]:5: note: 'Journal::to_mu_' held here (in 'Journal::transfer_bad')
    // CHECK: :[[@LINE-9]]:5: note: 'Journal::log_mu_' acquired here
  }
};

struct Archive {
  std::mutex from_mu_;
  std::mutex to_mu_;
  std::mutex log_mu_;

  void transfer_ok() {
    std::scoped_lock l(from_mu_, to_mu_);
    std::lock_guard<std::mutex> g(log_mu_);
  }
  void rotate_ok() { std::scoped_lock l(log_mu_, to_mu_); }
};

// try_lock in the opposite order, backing off when it fails.
struct Peer {
  std::mutex conn_mu_;
  std::mutex route_mu_;

  void send_ok() {
    std::lock_guard<std::mutex> c(conn_mu_);
    std::lock_guard<std::mutex> r(route_mu_);
  }
  void refresh_ok() {
    std::lock_guard<std::mutex> r(route_mu_);
    if (!conn_mu_.try_lock())
      return;
    conn_mu_.unlock();
  }
  void refresh_guard_ok() {
    std::lock_guard<std::mutex> r(route_mu_);
    std::unique_lock<std::mutex> c(conn_mu_, std::try_to_lock);
    if (!c.owns_lock())
      return;
  }
};

// The twin falls back to a blocking lock when the try fails.
struct Link {
  std::mutex conn_mu_;
  std::mutex route_mu_;

  void send_bad() {
    std::lock_guard<std::mutex> c(conn_mu_);
    std::lock_guard<std::mutex> r(route_mu_);
  }
  void refresh_bad() {
    std::lock_guard<std::mutex> r(route_mu_);
    if (!conn_mu_.try_lock())
      conn_mu_.lock();
    conn_mu_.unlock();
    // CHECK: :[[@LINE-2]]:7: warning: lock order inversion: 'Link::conn_mu_' is acquired while 'Link::route_mu_' is held, but elsewhere 'Link::route_mu_' is acquired while 'Link::conn_mu_' is held [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-9]]:5: note: 'Link::conn_mu_' held here (in 'Link::send_bad')
    // CHECK: :[[@LINE-9]]:5: note: 'Link::route_mu_' acquired here
    // CHECK: :[[@LINE-7]]:5: note: 'Link::route_mu_' held here (in 'Link::refresh_bad')
    // CHECK: :[[@LINE-6]]:7: note: 'Link::conn_mu_' acquired here
  }
};
