// RUN: %tidy blockwatch-lock-order-inversion %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-lock-order-inversion %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// The same shapes against the real libstdc++ and glibc headers, whose
// guards are templates over internal helpers and whose pthread types are
// typedef'd unions.
#include <mutex>
#include <pthread.h>
#include <shared_mutex>

class Stats;

class Cache {
public:
  void put_bad(Stats &s);
  void evict() {
    std::lock_guard g(mu_);
    size_ = 0;
  }
  void relock_bad() {
    std::unique_lock g(mu_);
    mu_.lock();
    // CHECK: :[[@LINE-1]]:5: warning: 'Cache::mu_' is acquired while already held: a non-recursive mutex deadlocks on itself [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-3]]:5: note: 'Cache::mu_' first acquired here
  }

private:
  std::mutex mu_;
  int size_ = 0;
};

class Stats {
public:
  void record() {
    std::scoped_lock g(mu_);
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
    // CHECK: :[[@LINE-30]]:5: note: 'Cache::mu_' acquired here
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

// Twins on other classes: both locks together, try-lock back-off, recursion
// on a recursive_mutex, readers on both sides.
struct Pair {
  std::mutex a_;
  std::mutex b_;
  std::recursive_mutex r_;
  std::shared_mutex s1_;
  std::shared_mutex s2_;

  void ab_ok() { std::scoped_lock l(a_, b_); }
  void ba_ok() {
    std::lock(b_, a_);
    std::lock_guard<std::mutex> x(b_, std::adopt_lock);
    std::lock_guard<std::mutex> y(a_, std::adopt_lock);
  }
  void a_then_b_ok() {
    std::lock_guard g(a_);
    std::lock_guard h(b_);
  }
  void b_then_try_a_ok() {
    std::lock_guard g(b_);
    std::unique_lock l(a_, std::try_to_lock);
    if (!l)
      return;
  }
  void recursive_ok() {
    std::lock_guard g(r_);
    std::lock_guard h(r_);
  }
  void readers_12_ok() {
    std::shared_lock g(s1_);
    std::shared_lock h(s2_);
  }
  void readers_21_ok() {
    std::shared_lock g(s2_);
    std::shared_lock h(s1_);
  }
};

// Reader/writer pair on real shared_mutex.
struct Rw {
  std::shared_mutex s1_;
  std::shared_mutex s2_;

  void read1_write2_bad() {
    std::shared_lock g(s1_);
    std::unique_lock h(s2_);
  }
  void read2_write1_bad() {
    std::shared_lock g(s2_);
    std::unique_lock h(s1_);
    // CHECK: :[[@LINE-1]]:5: warning: lock order inversion: 'Rw::s1_' is acquired while 'Rw::s2_' is held, but elsewhere 'Rw::s2_' is acquired while 'Rw::s1_' is held [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-7]]:5: note: 'Rw::s1_' held here (in 'Rw::read1_write2_bad')
    // CHECK: :[[@LINE-7]]:5: note: 'Rw::s2_' acquired here
    // CHECK: :[[@LINE-5]]:5: note: 'Rw::s2_' held here (in 'Rw::read2_write1_bad')
    // CHECK: :[[@LINE-5]]:5: note: 'Rw::s1_' acquired here
  }
};

// glibc pthread mutexes with static initializers.
pthread_mutex_t g_in_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t g_out_mu = PTHREAD_MUTEX_INITIALIZER;

void pump_in_bad() {
  pthread_mutex_lock(&g_in_mu);
  pthread_mutex_lock(&g_out_mu);
  pthread_mutex_unlock(&g_out_mu);
  pthread_mutex_unlock(&g_in_mu);
}
void pump_out_bad() {
  pthread_mutex_lock(&g_out_mu);
  pthread_mutex_lock(&g_in_mu);
  // CHECK: :[[@LINE-1]]:3: warning: lock order inversion: 'g_in_mu' is acquired while 'g_out_mu' is held, but elsewhere 'g_out_mu' is acquired while 'g_in_mu' is held [blockwatch-lock-order-inversion]
  // CHECK: :[[@LINE-9]]:3: note: 'g_in_mu' held here (in 'pump_in_bad')
  // CHECK: :[[@LINE-9]]:3: note: 'g_out_mu' acquired here
  // CHECK: :[[@LINE-5]]:3: note: 'g_out_mu' held here (in 'pump_out_bad')
  // CHECK: :[[@LINE-5]]:3: note: 'g_in_mu' acquired here
  pthread_mutex_unlock(&g_in_mu);
  pthread_mutex_unlock(&g_out_mu);
}

pthread_mutex_t g_rx_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t g_tx_mu = PTHREAD_MUTEX_INITIALIZER;

void rx_then_tx_ok() {
  pthread_mutex_lock(&g_rx_mu);
  pthread_mutex_lock(&g_tx_mu);
  pthread_mutex_unlock(&g_tx_mu);
  pthread_mutex_unlock(&g_rx_mu);
}
void tx_then_rx_ok() {
  pthread_mutex_lock(&g_tx_mu);
  pthread_mutex_unlock(&g_tx_mu);
  pthread_mutex_lock(&g_rx_mu);
  pthread_mutex_unlock(&g_rx_mu);
}
