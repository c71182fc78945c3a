// RUN: %tidy blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// Readers do not block readers: opposite orders deadlock only where each
// wait conflicts with the mode the other thread holds.
#include <mutex>
#include <shared_mutex>

// Readers on both sides: never a deadlock.
struct Catalog {
  std::shared_mutex items_mu_;
  std::shared_mutex prices_mu_;

  void items_then_prices_ok() {
    std::shared_lock<std::shared_mutex> i(items_mu_);
    std::shared_lock<std::shared_mutex> p(prices_mu_);
  }
  void prices_then_items_ok() {
    prices_mu_.lock_shared();
    std::shared_lock<std::shared_mutex> i(items_mu_);
    prices_mu_.unlock_shared();
  }
};

// Each side holds a read lock and waits to write the other's.
struct Inventory {
  std::shared_mutex items_mu_;
  std::shared_mutex prices_mu_;

  void reprice_bad() {
    std::shared_lock<std::shared_mutex> i(items_mu_);
    std::unique_lock<std::shared_mutex> p(prices_mu_);
  }
  void restock_bad() {
    std::shared_lock<std::shared_mutex> p(prices_mu_);
    std::lock_guard<std::shared_mutex> i(items_mu_);
    // CHECK: :[[@LINE-1]]:5: warning: lock order inversion: 'Inventory::items_mu_' is acquired while 'Inventory::prices_mu_' is held, but elsewhere 'Inventory::prices_mu_' is acquired while 'Inventory::items_mu_' is held [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-7]]:5: note: 'Inventory::items_mu_' held here (in 'Inventory::reprice_bad')
    // CHECK: :[[@LINE-7]]:5: note: 'Inventory::prices_mu_' acquired here
    // CHECK: :[[@LINE-5]]:5: note: 'Inventory::prices_mu_' held here (in 'Inventory::restock_bad')
    // CHECK: :[[@LINE-5]]:5: note: 'Inventory::items_mu_' acquired here
  }
};

// Writers on both sides, one through a call.
struct Orders {
  std::shared_mutex book_mu_;
  std::mutex audit_mu_;

  void append_audit() {
    std::lock_guard<std::mutex> a(audit_mu_);
  }
  void place_bad() {
    std::unique_lock<std::shared_mutex> b(book_mu_);
    append_audit();
  }
  void replay_bad() {
    std::lock_guard<std::mutex> a(audit_mu_);
    book_mu_.lock();
    book_mu_.unlock();
    // CHECK: :[[@LINE-6]]:5: warning: lock order inversion: 'Orders::audit_mu_' is acquired while 'Orders::book_mu_' is held, but elsewhere 'Orders::book_mu_' is acquired while 'Orders::audit_mu_' is held [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-4]]:5: note: 'Orders::audit_mu_' held here (in 'Orders::replay_bad')
    // CHECK: :[[@LINE-4]]:5: note: 'Orders::book_mu_' acquired here
    // CHECK: :[[@LINE-10]]:5: note: 'Orders::book_mu_' held here (in 'Orders::place_bad')
    // CHECK: :[[@LINE-10]]:5: note: 'Orders::place_bad' calls 'Orders::append_audit'
    // CHECK: :[[@LINE-15]]:5: note: 'Orders::audit_mu_' acquired here
  }
};

// Re-taking one shared_mutex: read after read is allowed, write after read
// deadlocks.
struct Snapshot {
  std::shared_mutex mu_;
  int version = 0;

  int read() {
    std::shared_lock<std::shared_mutex> r(mu_);
    return version;
  }
  int read_twice_ok() {
    std::shared_lock<std::shared_mutex> r(mu_);
    return read();
  }
  void upgrade_bad() {
    std::shared_lock<std::shared_mutex> r(mu_);
    std::unique_lock<std::shared_mutex> w(mu_);
    // CHECK: :[[@LINE-1]]:5: warning: 'Snapshot::mu_' is acquired while already held: a non-recursive mutex deadlocks on itself [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-3]]:5: note: 'Snapshot::mu_' first acquired here
    ++version;
  }
  void write_then_read_bad() {
    std::unique_lock<std::shared_mutex> w(mu_);
    ++version;
    read();
    // CHECK: :[[@LINE-1]]:5: warning: call to 'Snapshot::read' acquires 'Snapshot::mu_', which is already held: a non-recursive mutex deadlocks on itself [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-4]]:5: note: 'Snapshot::mu_' first acquired here
    // CHECK: :[[@LINE-3]]:5: note: 'Snapshot::write_then_read_bad' calls 'Snapshot::read'
    // CHECK: :[[@LINE-21]]:5: note: 'Snapshot::mu_' acquired here
  }
  void upgrade_after_release_ok() {
    {
      std::shared_lock<std::shared_mutex> r(mu_);
    }
    std::unique_lock<std::shared_mutex> w(mu_);
    ++version;
  }
};
