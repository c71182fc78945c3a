// RUN: %tidy blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// Two locks taken in opposite orders: member mutexes are named
// 'Class::member', globals by their qualified name. Every inversion has a
// twin that orders, scopes or releases the same shapes and stays silent.
#include <mutex>

// Member mutexes, RAII guards in both functions.
struct Account {
  std::mutex balance_mu_;
  std::mutex history_mu_;
  int balance = 0;

  void deposit_bad() {
    std::lock_guard<std::mutex> b(balance_mu_);
    std::lock_guard<std::mutex> h(history_mu_);
    ++balance;
  }
  void audit_bad() {
    std::lock_guard<std::mutex> h(history_mu_);
    std::lock_guard<std::mutex> b(balance_mu_);
    // CHECK: :[[@LINE-1]]:5: warning: lock order inversion: 'Account::balance_mu_' is acquired while 'Account::history_mu_' is held, but elsewhere 'Account::history_mu_' is acquired while 'Account::balance_mu_' is held [blockwatch-lock-order-inversion]
    // CHECK: :[[@LINE-8]]:5: note: 'Account::balance_mu_' held here (in 'Account::deposit_bad')
    // CHECK: :[[@LINE-8]]:5: note: 'Account::history_mu_' acquired here
    // CHECK: :[[@LINE-5]]:5: note: 'Account::history_mu_' held here (in 'Account::audit_bad')
    // CHECK: :[[@LINE-5]]:5: note: 'Account::balance_mu_' acquired here
    --balance;
  }
};

// The same two members, always in one order, from many functions.
struct Ledger {
  std::mutex balance_mu_;
  std::mutex history_mu_;
  int balance = 0;

  void deposit_ok() {
    std::lock_guard<std::mutex> b(balance_mu_);
    std::lock_guard<std::mutex> h(history_mu_);
    ++balance;
  }
  void withdraw_ok() {
    std::unique_lock<std::mutex> b(balance_mu_);
    std::unique_lock<std::mutex> h(history_mu_);
    --balance;
  }
  void audit_ok() {
    balance_mu_.lock();
    history_mu_.lock();
    history_mu_.unlock();
    balance_mu_.unlock();
  }
  void history_only_ok() {
    std::lock_guard<std::mutex> h(history_mu_);
  }
  void balance_only_ok() {
    std::lock_guard<std::mutex> b(balance_mu_);
  }
};

// Globals, a guard in one order and a manual lock() in the other.
std::mutex g_log_mu;
std::mutex g_config_mu;

void log_config_bad() {
  std::lock_guard<std::mutex> l(g_log_mu);
  std::unique_lock<std::mutex> c(g_config_mu);
  // CHECK: :[[@LINE-1]]:3: warning: lock order inversion: 'g_config_mu' is acquired while 'g_log_mu' is held, but elsewhere 'g_log_mu' is acquired while 'g_config_mu' is held [blockwatch-lock-order-inversion]
  // CHECK: :[[@LINE+6]]:3: note: 'g_config_mu' held here (in 'reload_config_bad')
  // CHECK: :[[@LINE+6]]:3: note: 'g_log_mu' acquired here
  // CHECK: :[[@LINE-5]]:3: note: 'g_log_mu' held here (in 'log_config_bad')
  // CHECK: :[[@LINE-5]]:3: note: 'g_config_mu' acquired here
}
void reload_config_bad() {
  std::lock_guard<std::mutex> c(g_config_mu);
  g_log_mu.lock();
  g_log_mu.unlock();
}

// Globals in a namespace keep their qualified name; here the second lock is
// taken only after the first one is released, manually or by its guard.
namespace net {
std::mutex conn_mu;
std::mutex stats_mu;
} // namespace net

void conn_then_stats_ok() {
  std::lock_guard<std::mutex> c(net::conn_mu);
  std::lock_guard<std::mutex> s(net::stats_mu);
}
void stats_unlock_then_conn_ok() {
  net::stats_mu.lock();
  net::stats_mu.unlock();
  std::lock_guard<std::mutex> c(net::conn_mu);
}
void stats_guard_unlock_then_conn_ok() {
  std::unique_lock<std::mutex> s(net::stats_mu);
  s.unlock();
  std::lock_guard<std::mutex> c(net::conn_mu);
}
void stats_scope_then_conn_ok() {
  { std::lock_guard<std::mutex> s(net::stats_mu); }
  std::lock_guard<std::mutex> c(net::conn_mu);
}

namespace db {
std::mutex pool_mu;
std::mutex txn_mu;
} // namespace db

void pool_then_txn_bad() {
  std::lock_guard<std::mutex> p(db::pool_mu);
  std::lock_guard<std::mutex> t(db::txn_mu);
}
void txn_then_pool_bad() {
  // The release comes after the second lock: the inversion stands.
  db::txn_mu.lock();
  std::lock_guard<std::mutex> p(db::pool_mu);
  db::txn_mu.unlock();
  // CHECK: :[[@LINE-2]]:3: warning: lock order inversion: 'db::pool_mu' is acquired while 'db::txn_mu' is held, but elsewhere 'db::txn_mu' is acquired while 'db::pool_mu' is held [blockwatch-lock-order-inversion]
  // CHECK: :[[@LINE-9]]:3: note: 'db::pool_mu' held here (in 'pool_then_txn_bad')
  // CHECK: :[[@LINE-9]]:3: note: 'db::txn_mu' acquired here
  // CHECK: :[[@LINE-6]]:3: note: 'db::txn_mu' held here (in 'txn_then_pool_bad')
  // CHECK: :[[@LINE-6]]:3: note: 'db::pool_mu' acquired here
}
