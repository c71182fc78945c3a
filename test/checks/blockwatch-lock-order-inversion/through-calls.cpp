// RUN: %tidy blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// Orders made through calls: a lock is held while a callee, or a callee's
// callee, takes another. The notes walk each call down to the acquisition.
#include <mutex>

// Both orders live in different classes, each one half in a member function
// that calls into the other class.
class Stats;

class Cache {
public:
  void put_bad(Stats &s);
  void evict() {
    std::lock_guard<std::mutex> g(mu_);
    size_ = 0;
  }

private:
  std::mutex mu_;
  int size_ = 0;
};

class Stats {
public:
  void record() {
    std::lock_guard<std::mutex> g(mu_);
    ++hits_;
  }
  void flush_bad(Cache &c) {
    std::lock_guard<std::mutex> g(mu_);
    c.evict();
    // CHECK: :[[@LINE-1]]:5: warning: lock order inversion: 'Cache::mu_' is acquired while 'Stats::mu_' is held, but elsewhere 'Stats::mu_' is acquired while 'Cache::mu_' is held [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE+14]]:3: note: 'Cache::mu_' held here (in 'Cache::put_bad')
    // CHECK: :[[@LINE+15]]:3: note: 'Cache::put_bad' calls 'Stats::record'
    // CHECK: :[[@LINE-9]]:5: note: 'Stats::mu_' acquired here
    // CHECK: :[[@LINE-6]]:5: note: 'Stats::mu_' held here (in 'Stats::flush_bad')
    // CHECK: :[[@LINE-6]]:5: note: 'Stats::flush_bad' calls 'Cache::evict'
    // CHECK: :[[@LINE-24]]:5: note: 'Cache::mu_' acquired here
  }

private:
  std::mutex mu_;
  int hits_ = 0;
};

void Cache::put_bad(Stats &s) {
  std::lock_guard<std::mutex> g(mu_);
  ++size_;
  s.record();
}

// The twins: the cache records its statistics after releasing its lock, and
// the statistics flush calls into the cache under its own lock, so only
// Counters::mu_ -> Store::mu_ exists.
class Counters;

class Store {
public:
  void put_ok(Counters &s);
  void evict() {
    std::lock_guard<std::mutex> g(mu_);
    size_ = 0;
  }

private:
  std::mutex mu_;
  int size_ = 0;
};

class Counters {
public:
  void record() {
    std::lock_guard<std::mutex> g(mu_);
    ++hits_;
  }
  void flush_ok(Store &c) {
    std::lock_guard<std::mutex> g(mu_);
    c.evict();
  }

private:
  std::mutex mu_;
  int hits_ = 0;
};

void Store::put_ok(Counters &s) {
  {
    std::lock_guard<std::mutex> g(mu_);
    ++size_;
  }
  s.record();
}

// Two levels of calls between the held lock and the acquisition.
struct Index {
  std::mutex tree_mu_;
  std::mutex page_mu_;

  void load_page() {
    std::lock_guard<std::mutex> g(page_mu_);
  }
  void fetch() {
    load_page();
  }
  void lookup_bad() {
    std::lock_guard<std::mutex> t(tree_mu_);
    fetch();
  }
  void compact_bad() {
    std::lock_guard<std::mutex> p(page_mu_);
    std::lock_guard<std::mutex> t(tree_mu_);
    // CHECK: :[[@LINE-5]]:5: warning: lock order inversion: 'Index::page_mu_' is acquired while 'Index::tree_mu_' is held, but elsewhere 'Index::tree_mu_' is acquired while 'Index::page_mu_' is held [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-3]]:5: note: 'Index::page_mu_' held here (in 'Index::compact_bad')
    // CHECK: :[[@LINE-3]]:5: note: 'Index::tree_mu_' acquired here
    // CHECK: :[[@LINE-9]]:5: note: 'Index::tree_mu_' held here (in 'Index::lookup_bad')
    // CHECK: :[[@LINE-9]]:5: note: 'Index::lookup_bad' calls 'Index::fetch'
    // CHECK: :[[@LINE-14]]:5: note: 'Index::fetch' calls 'Index::load_page'
    // CHECK: :[[@LINE-18]]:5: note: 'Index::page_mu_' acquired here
  }
};

// The same two levels, called before the lock is taken and after it is
// released.
struct Catalog {
  std::mutex tree_mu_;
  std::mutex page_mu_;

  void load_page() {
    std::lock_guard<std::mutex> g(page_mu_);
  }
  void fetch() {
    load_page();
  }
  void lookup_ok() {
    fetch();
    std::lock_guard<std::mutex> t(tree_mu_);
  }
  void lookup_after_unlock_ok() {
    std::unique_lock<std::mutex> t(tree_mu_);
    t.unlock();
    fetch();
  }
  void compact_ok() {
    std::lock_guard<std::mutex> p(page_mu_);
    std::lock_guard<std::mutex> t(tree_mu_);
  }
};

// Both edges through calls, between globals.
std::mutex g_sessions_mu;
std::mutex g_metrics_mu;

void bump_metrics() {
  std::lock_guard<std::mutex> g(g_metrics_mu);
}
void touch_sessions() {
  std::lock_guard<std::mutex> g(g_sessions_mu);
}
void login_bad() {
  std::lock_guard<std::mutex> g(g_sessions_mu);
  bump_metrics();
}
void report_bad() {
  std::lock_guard<std::mutex> g(g_metrics_mu);
  touch_sessions();
  // CHECK: :[[@LINE-5]]:3: warning: lock order inversion: 'g_metrics_mu' is acquired while 'g_sessions_mu' is held, but elsewhere 'g_sessions_mu' is acquired while 'g_metrics_mu' is held [blockwatch-lock-order-inversion]
  // CHECK: :[[@LINE-3]]:3: note: 'g_metrics_mu' held here (in 'report_bad')
  // CHECK: :[[@LINE-3]]:3: note: 'report_bad' calls 'touch_sessions'
  // CHECK: :[[@LINE-12]]:3: note: 'g_sessions_mu' acquired here
  // CHECK: :[[@LINE-10]]:3: note: 'g_sessions_mu' held here (in 'login_bad')
  // CHECK: :[[@LINE-10]]:3: note: 'login_bad' calls 'bump_metrics'
  // CHECK: :[[@LINE-18]]:3: note: 'g_metrics_mu' acquired here
}

std::mutex g_users_mu;
std::mutex g_audit_mu;

void bump_audit() {
  std::lock_guard<std::mutex> g(g_audit_mu);
}
void touch_users() {
  std::lock_guard<std::mutex> g(g_users_mu);
}
void signup_ok() {
  std::lock_guard<std::mutex> g(g_users_mu);
  bump_audit();
}
void audit_ok() {
  g_audit_mu.lock();
  g_audit_mu.unlock();
  touch_users();
}
