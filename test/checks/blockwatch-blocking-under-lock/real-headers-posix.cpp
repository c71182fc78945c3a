// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// POSIX locks and I/O against the real glibc headers, where MSG_DONTWAIT and
// SOCK_NONBLOCK are enumerators or macros and sleeps may be declared with
// attributes.
#include <mutex>
#include <netdb.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_rwlock_t g_rw = PTHREAD_RWLOCK_INITIALIZER;
std::mutex g_std_mu;
bool g_ready;
int g_peers;

void pthread_recv_bad(int fd, char *buf) {
  pthread_mutex_lock(&g_mu);
  recv(fd, buf, 64, 0);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'recv' while 'g_mu' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'g_mu' acquired here
  pthread_mutex_unlock(&g_mu);
}

void pthread_recv_dontwait_ok(int fd, char *buf) {
  pthread_mutex_lock(&g_mu);
  recv(fd, buf, 64, MSG_DONTWAIT);
  pthread_mutex_unlock(&g_mu);
}

void pthread_recv_after_unlock_ok(int fd, char *buf) {
  pthread_mutex_lock(&g_mu);
  ++g_peers;
  pthread_mutex_unlock(&g_mu);
  recv(fd, buf, 64, 0);
}

void rwlock_nanosleep_bad() {
  timespec ts{0, 1000};
  pthread_rwlock_rdlock(&g_rw);
  nanosleep(&ts, nullptr);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'nanosleep' while 'g_rw' is held [blockwatch-blocking-under-lock]
  pthread_rwlock_unlock(&g_rw);
}

void rwlock_nanosleep_ok() {
  timespec ts{0, 1000};
  pthread_rwlock_wrlock(&g_rw);
  ++g_peers;
  pthread_rwlock_unlock(&g_rw);
  nanosleep(&ts, nullptr);
}

void getaddrinfo_bad(const char *host, addrinfo **out) {
  std::lock_guard<std::mutex> g(g_std_mu);
  getaddrinfo(host, "80", nullptr, out);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'getaddrinfo' while 'g_std_mu' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'g_std_mu' acquired here
}

void getaddrinfo_ok(const char *host, addrinfo **out) {
  {
    std::lock_guard<std::mutex> g(g_std_mu);
    ++g_peers;
  }
  getaddrinfo(host, "80", nullptr, out);
}

void nonblocking_socket_ok(char *buf) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  std::lock_guard<std::mutex> g(g_std_mu);
  send(fd, buf, 1, 0);
}

void blocking_socket_bad(char *buf) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  std::lock_guard<std::mutex> g(g_std_mu);
  send(fd, buf, 1, 0);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'send' while 'g_std_mu' is held [blockwatch-blocking-under-lock]
}

void fcntl_nonblock_ok(int fd, char *buf) {
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  std::lock_guard<std::mutex> g(g_std_mu);
  recv(fd, buf, 64, 0);
}

void fcntl_other_fd_bad(int fd, int other, char *buf) {
  fcntl(other, F_SETFL, O_NONBLOCK);
  std::lock_guard<std::mutex> g(g_std_mu);
  recv(fd, buf, 64, 0);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'recv' while 'g_std_mu' is held [blockwatch-blocking-under-lock]
}

void poll_zero_ok(pollfd *fds) {
  std::lock_guard<std::mutex> g(g_std_mu);
  poll(fds, 1, 0);
}

void poll_timeout_bad(pollfd *fds) {
  std::lock_guard<std::mutex> g(g_std_mu);
  poll(fds, 1, 50);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'poll' while 'g_std_mu' is held [blockwatch-blocking-under-lock]
}

void pthread_join_under_lock_bad(pthread_t worker) {
  pthread_mutex_lock(&g_mu);
  pthread_join(worker, nullptr);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'pthread_join' while 'g_mu' is held [blockwatch-blocking-under-lock]
  pthread_mutex_unlock(&g_mu);
}

void pthread_join_after_unlock_ok(pthread_t worker) {
  pthread_mutex_lock(&g_mu);
  g_ready = true;
  pthread_mutex_unlock(&g_mu);
  pthread_join(worker, nullptr);
}
