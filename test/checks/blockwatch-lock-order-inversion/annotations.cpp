// RUN: %tidy blockwatch-lock-order-inversion %s -- -std=c++17 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-lock-order-inversion %s -- -std=c++17 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: not %blockwatch --checks='-*,blockwatch-lock-order-inversion' --lock-graph=%t.dot %s -- -std=c++17 -nostdlibinc -isystem %mocks > /dev/null
// RUN: FileCheck --check-prefix=DOT %s < %t.dot
// Clang's ACQUIRED_BEFORE/ACQUIRED_AFTER annotations are declared edges; the
// lock graph comes out in Graphviz form with cycles in red.
#include <mutex>

#define CAPABILITY(x) __attribute__((capability(x)))
#define ACQUIRED_BEFORE(...) __attribute__((acquired_before(__VA_ARGS__)))
#define ACQUIRED_AFTER(...) __attribute__((acquired_after(__VA_ARGS__)))

// The annotated mutex type of a project using -Wthread-safety; the lock
// model knows it through std::mutex's shape (lock/unlock).
struct CAPABILITY("mutex") Mutex : std::mutex {};

struct Db {
  Mutex index_mu;
  Mutex log_mu ACQUIRED_AFTER(index_mu);
  Mutex stats_mu;
  Mutex cache_mu ACQUIRED_BEFORE(stats_mu);

  void log_then_index_bad() {
    log_mu.lock();
    index_mu.lock();
    // CHECK: :[[@LINE-1]]:5: warning: lock order inversion: 'Db::index_mu' is acquired while 'Db::log_mu' is held
    // CHECK: note: declared: 'Db::index_mu' is acquired before 'Db::log_mu'
    index_mu.unlock();
    log_mu.unlock();
  }

  void declared_order_ok() {
    cache_mu.lock();
    stats_mu.lock();
    stats_mu.unlock();
    cache_mu.unlock();
  }
};

// DOT: digraph locks {
// DOT-DAG: "Db::index_mu" -> "Db::log_mu" [color=red, penwidth=2];
// DOT-DAG: "Db::log_mu" -> "Db::index_mu" [color=red, penwidth=2];
// DOT-DAG: "Db::cache_mu" -> "Db::stats_mu";
