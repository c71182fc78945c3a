// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++17 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++17 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// False positives found on real code (docs/real-code.md), kept fixed.
#include <mutex>
#include <unistd.h>

extern "C" int eventfd(unsigned int, int);
#define EFD_NONBLOCK 04000

// R9 (trantor): the wakeup descriptor is an eventfd made non-blocking by a
// helper and stored in a member by the constructor, which is defined after
// the method that writes to it under the lock.
static int createEventfd() {
  int fd = eventfd(0, EFD_NONBLOCK);
  return fd;
}

class EventLoop {
public:
  void wakeup_ok() {
    std::lock_guard<std::mutex> g(mu_);
    unsigned long one = 1;
    write(wakeupFd_, &one, sizeof one);
  }
  void flush_log_bad() {
    std::lock_guard<std::mutex> g(mu_);
    fsync(logFd_);
    // CHECK: :[[@LINE-1]]:5: warning: blocking call 'fsync' while 'EventLoop::mu_' is held [blockwatch-blocking-under-lock]
  }
  void write_log_bad(const char *s) {
    std::lock_guard<std::mutex> g(mu_);
    write(logFd_, s, 1);
    // CHECK: :[[@LINE-1]]:5: warning: blocking call 'write' while 'EventLoop::mu_' is held [blockwatch-blocking-under-lock]
  }
  EventLoop() : wakeupFd_(createEventfd()), logFd_(3) {}

private:
  std::mutex mu_;
  int wakeupFd_;
  int logFd_;
};
