// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// A call to a function whose body blocks is reported at the call site that
// holds the lock, with the call chain down to the blocking call in notes.
#include <mutex>
#include <unistd.h>

struct Store {
  std::mutex mu_;
  int fd_;
  int generation_;

  void flush() { fsync(fd_); }
  void sync_all() { flush(); }
  void checkpoint() { sync_all(); }
  void bump() { ++generation_; }

  void commit_bad() {
    std::lock_guard<std::mutex> g(mu_);
    flush();
    // CHECK: :[[@LINE-1]]:5: warning: call to 'Store::flush' may block in 'fsync' while 'Store::mu_' is held [blockwatch-blocking-under-lock]
    // CHECK: :[[@LINE-3]]:5: note: 'Store::mu_' acquired here
    // CHECK: :13:18: note: 'fsync' waits on file I/O here
  }

  void commit_ok() {
    {
      std::lock_guard<std::mutex> g(mu_);
      bump();
    }
    flush();
  }

  void commit_two_levels_bad() {
    std::lock_guard<std::mutex> g(mu_);
    sync_all();
    // CHECK: :[[@LINE-1]]:5: warning: call to 'Store::sync_all' may block in 'fsync' while 'Store::mu_' is held [blockwatch-blocking-under-lock]
    // CHECK: :[[@LINE-3]]:5: note: 'Store::mu_' acquired here
    // CHECK: :14:21: note: 'Store::sync_all' calls 'Store::flush'
    // CHECK: :13:18: note: 'fsync' waits on file I/O here
  }

  void commit_three_levels_bad() {
    mu_.lock();
    checkpoint();
    // CHECK: :[[@LINE-1]]:5: warning: call to 'Store::checkpoint' may block in 'fsync' while 'Store::mu_' is held [blockwatch-blocking-under-lock]
    // CHECK: :[[@LINE-3]]:5: note: 'Store::mu_' acquired here
    // CHECK: :15:23: note: 'Store::checkpoint' calls 'Store::sync_all'
    // CHECK: :14:21: note: 'Store::sync_all' calls 'Store::flush'
    // CHECK: :13:18: note: 'fsync' waits on file I/O here
    mu_.unlock();
  }

  void commit_three_levels_ok() {
    mu_.lock();
    bump();
    mu_.unlock();
    checkpoint();
  }

  void non_blocking_helper_ok() {
    std::lock_guard<std::mutex> g(mu_);
    bump();
  }
};

void read_one(int fd) {
  char c;
  read(fd, &c, 1);
}

void free_function_bad(Store &s) {
  std::lock_guard<std::mutex> g(s.mu_);
  read_one(s.fd_);
  // CHECK: :[[@LINE-1]]:3: warning: call to 'read_one' may block in 'read' while 'Store::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Store::mu_' acquired here
  // CHECK: :[[@LINE-8]]:3: note: 'read' waits on file I/O here
}

void free_function_without_lock_ok(Store &s) {
  read_one(s.fd_);
  s.flush();
  s.checkpoint();
}
