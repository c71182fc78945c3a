// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
#include <mutex>
#include <unistd.h>
#include <sys/socket.h>

struct Session {
  std::mutex mu_;
  int fd_;
  char buf_[64];

  void recv_bad() {
    std::lock_guard<std::mutex> g(mu_);
    recv(fd_, buf_, sizeof buf_, 0);
    // CHECK: :[[@LINE-1]]:5: warning: blocking call 'recv' while 'Session::mu_' is held [blockwatch-blocking-under-lock]
    // CHECK: :[[@LINE-3]]:5: note: 'Session::mu_' acquired here
  }

  void recv_after_scope_ok() {
    { std::lock_guard<std::mutex> g(mu_); }
    recv(fd_, buf_, sizeof buf_, 0);
  }

  void recv_dontwait_ok() {
    std::lock_guard<std::mutex> g(mu_);
    recv(fd_, buf_, sizeof buf_, MSG_DONTWAIT);
  }
};
