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

// R7 (cpp-httplib's is_socket_alive / handle_EINTR): a constant back-off
// shorter than a millisecond is a yield, not a wait; a longer or unknown
// sleep under the lock still is.
#include <chrono>
#include <thread>

static void retry_after_eintr() {
  std::this_thread::sleep_for(std::chrono::microseconds{1});
}
static void retry_later() {
  std::this_thread::sleep_for(std::chrono::seconds(1));
}

class Client {
public:
  void helper_backoff_ok() {
    std::lock_guard<std::mutex> g(socket_mutex_);
    retry_after_eintr();
  }
  void helper_retry_later_bad() {
    std::lock_guard<std::mutex> g(socket_mutex_);
    retry_later();
    // CHECK: :[[@LINE-1]]:5: warning: call to 'retry_later' may block in 'std::this_thread::sleep_for' while 'Client::socket_mutex_' is held [blockwatch-blocking-under-lock]
  }
  void eintr_backoff_ok() {
    std::lock_guard<std::mutex> g(socket_mutex_);
    std::this_thread::sleep_for(std::chrono::microseconds{1});
    std::this_thread::sleep_for(std::chrono::nanoseconds(999999));
  }
  void retry_backoff_bad() {
    std::lock_guard<std::mutex> g(socket_mutex_);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    // CHECK: :[[@LINE-1]]:5: warning: blocking call 'std::this_thread::sleep_for' while 'Client::socket_mutex_' is held [blockwatch-blocking-under-lock]
  }
  void one_millisecond_bad() {
    std::lock_guard<std::mutex> g(socket_mutex_);
    std::this_thread::sleep_for(std::chrono::microseconds{1000});
    // CHECK: :[[@LINE-1]]:5: warning: blocking call 'std::this_thread::sleep_for' while 'Client::socket_mutex_' is held [blockwatch-blocking-under-lock]
  }
  void unknown_backoff_bad(std::chrono::microseconds d) {
    std::lock_guard<std::mutex> g(socket_mutex_);
    std::this_thread::sleep_for(d);
    // CHECK: :[[@LINE-1]]:5: warning: blocking call 'std::this_thread::sleep_for' while 'Client::socket_mutex_' is held [blockwatch-blocking-under-lock]
  }

private:
  std::mutex socket_mutex_;
};
