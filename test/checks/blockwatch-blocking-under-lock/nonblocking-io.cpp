// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// I/O that cannot block: descriptors opened non-blocking, MSG_DONTWAIT, and
// a poll with a zero timeout.
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct Peer {
  std::mutex mu_;
  int fd_;
  char buf_[64];
};

void socket_nonblock_ok(Peer &p) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  std::lock_guard<std::mutex> g(p.mu_);
  recv(fd, p.buf_, sizeof p.buf_, 0);
  send(fd, p.buf_, 1, 0);
}

void socket_blocking_bad(Peer &p) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  std::lock_guard<std::mutex> g(p.mu_);
  recv(fd, p.buf_, sizeof p.buf_, 0);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'recv' while 'Peer::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Peer::mu_' acquired here
}

void nonblocking_socket_other_fd_bad(Peer &p) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  std::lock_guard<std::mutex> g(p.mu_);
  send(fd, p.buf_, 1, 0);
  recv(p.fd_, p.buf_, sizeof p.buf_, 0);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'recv' while 'Peer::mu_' is held [blockwatch-blocking-under-lock]
}

void accept4_nonblock_ok(Peer &p) {
  int fd = accept4(p.fd_, nullptr, nullptr, SOCK_NONBLOCK);
  std::lock_guard<std::mutex> g(p.mu_);
  recv(fd, p.buf_, sizeof p.buf_, 0);
}

void fcntl_nonblock_ok(Peer &p, int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  std::lock_guard<std::mutex> g(p.mu_);
  recv(fd, p.buf_, sizeof p.buf_, 0);
}

void fcntl_clear_nonblock_bad(Peer &p, int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  std::lock_guard<std::mutex> g(p.mu_);
  recv(fd, p.buf_, sizeof p.buf_, 0);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'recv' while 'Peer::mu_' is held [blockwatch-blocking-under-lock]
}

void fcntl_nonblock_local_fd_ok(Peer &p, int fd) {
  fcntl(fd, F_SETFL, O_NONBLOCK);
  std::lock_guard<std::mutex> g(p.mu_);
  recv(fd, p.buf_, sizeof p.buf_, 0);
}

void fcntl_nonblock_other_fd_bad(Peer &p, int fd) {
  fcntl(fd, F_SETFL, O_NONBLOCK);
  std::lock_guard<std::mutex> g(p.mu_);
  recv(p.fd_, p.buf_, sizeof p.buf_, 0);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'recv' while 'Peer::mu_' is held [blockwatch-blocking-under-lock]
}

void ioctl_fionbio_ok(Peer &p, int fd) {
  int on = 1;
  ioctl(fd, FIONBIO, &on);
  std::lock_guard<std::mutex> g(p.mu_);
  send(fd, p.buf_, 1, 0);
}

void msg_dontwait_ok(Peer &p) {
  std::lock_guard<std::mutex> g(p.mu_);
  send(p.fd_, p.buf_, 1, MSG_DONTWAIT);
  recv(p.fd_, p.buf_, sizeof p.buf_, MSG_DONTWAIT | 0x100);
}

void msg_flags_without_dontwait_bad(Peer &p) {
  std::lock_guard<std::mutex> g(p.mu_);
  send(p.fd_, p.buf_, 1, 0x4000);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'send' while 'Peer::mu_' is held [blockwatch-blocking-under-lock]
}

void poll_zero_timeout_ok(Peer &p, pollfd *fds) {
  std::lock_guard<std::mutex> g(p.mu_);
  poll(fds, 1, 0);
}

void poll_with_timeout_bad(Peer &p, pollfd *fds) {
  std::lock_guard<std::mutex> g(p.mu_);
  poll(fds, 1, 100);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'poll' while 'Peer::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Peer::mu_' acquired here
}

void poll_infinite_bad(Peer &p, pollfd *fds) {
  std::lock_guard<std::mutex> g(p.mu_);
  poll(fds, 1, -1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'poll' while 'Peer::mu_' is held [blockwatch-blocking-under-lock]
}
