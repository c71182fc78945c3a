// RUN: %tidy blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// A cycle through three locks, no two of which are ever taken in both
// orders: reported once, at the acquisition that closes the cycle, with
// every edge's witness.
#include <mutex>

struct Pipeline {
  std::mutex ingest_mu_;
  std::mutex parse_mu_;
  std::mutex store_mu_;

  void ingest_parse_bad() {
    std::lock_guard<std::mutex> a(ingest_mu_);
    std::lock_guard<std::mutex> b(parse_mu_);
  }
  void parse_store_bad() {
    std::lock_guard<std::mutex> a(parse_mu_);
    std::lock_guard<std::mutex> b(store_mu_);
  }
  void store_ingest_bad() {
    std::lock_guard<std::mutex> a(store_mu_);
    std::lock_guard<std::mutex> b(ingest_mu_);
    // CHECK: :[[@LINE-1]]:5: warning: lock order inversion: 'Pipeline::ingest_mu_' is acquired while 'Pipeline::store_mu_' is held, closing the cycle 'Pipeline::ingest_mu_' -> 'Pipeline::parse_mu_' -> 'Pipeline::store_mu_' -> 'Pipeline::ingest_mu_' [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-11]]:5: note: 'Pipeline::ingest_mu_' held here (in 'Pipeline::ingest_parse_bad')
    // CHECK: :[[@LINE-11]]:5: note: 'Pipeline::parse_mu_' acquired here
    // CHECK: :[[@LINE-9]]:5: note: 'Pipeline::parse_mu_' held here (in 'Pipeline::parse_store_bad')
    // CHECK: :[[@LINE-9]]:5: note: 'Pipeline::store_mu_' acquired here
    // CHECK: :[[@LINE-7]]:5: note: 'Pipeline::store_mu_' held here (in 'Pipeline::store_ingest_bad')
    // CHECK: :[[@LINE-7]]:5: note: 'Pipeline::ingest_mu_' acquired here
  }
};

// The same three edges with the last one reversed: a partial order
// ingest -> parse -> store, taken in chains and in skips, never a cycle.
struct Batch {
  std::mutex ingest_mu_;
  std::mutex parse_mu_;
  std::mutex store_mu_;

  void ingest_parse_ok() {
    std::lock_guard<std::mutex> a(ingest_mu_);
    std::lock_guard<std::mutex> b(parse_mu_);
  }
  void parse_store_ok() {
    std::lock_guard<std::mutex> a(parse_mu_);
    std::lock_guard<std::mutex> b(store_mu_);
  }
  void ingest_store_ok() {
    std::lock_guard<std::mutex> a(ingest_mu_);
    std::lock_guard<std::mutex> b(store_mu_);
  }
  void all_three_ok() {
    std::lock_guard<std::mutex> a(ingest_mu_);
    std::lock_guard<std::mutex> b(parse_mu_);
    std::lock_guard<std::mutex> c(store_mu_);
  }
};

// Three globals; the closing edge is a manual lock() taken while a guard
// holds the third.
std::mutex g_a;
std::mutex g_b;
std::mutex g_c;

void ab_bad() {
  std::lock_guard<std::mutex> a(g_a);
  std::lock_guard<std::mutex> b(g_b);
}
void bc_bad() {
  std::unique_lock<std::mutex> b(g_b);
  g_c.lock();
  g_c.unlock();
}
void ca_bad() {
  std::lock_guard<std::mutex> c(g_c);
  g_a.lock();
  g_a.unlock();
  // CHECK: :[[@LINE-2]]:3: warning: lock order inversion: 'g_a' is acquired while 'g_c' is held, closing the cycle 'g_a' -> 'g_b' -> 'g_c' -> 'g_a' [blockwatch-lock-order-inversion]
  // CHECK: :[[@LINE-13]]:3: note: 'g_a' held here (in 'ab_bad')
  // CHECK: :[[@LINE-13]]:3: note: 'g_b' acquired here
  // CHECK: :[[@LINE-11]]:3: note: 'g_b' held here (in 'bc_bad')
  // CHECK: :[[@LINE-11]]:3: note: 'g_c' acquired here
  // CHECK: :[[@LINE-8]]:3: note: 'g_c' held here (in 'ca_bad')
  // CHECK: :[[@LINE-8]]:3: note: 'g_a' acquired here
}

// Three globals where the third step releases first: no cycle.
std::mutex g_x;
std::mutex g_y;
std::mutex g_z;

void xy_ok() {
  std::lock_guard<std::mutex> x(g_x);
  std::lock_guard<std::mutex> y(g_y);
}
void yz_ok() {
  std::unique_lock<std::mutex> y(g_y);
  g_z.lock();
  g_z.unlock();
}
void zx_ok() {
  g_z.lock();
  g_z.unlock();
  std::lock_guard<std::mutex> x(g_x);
}
