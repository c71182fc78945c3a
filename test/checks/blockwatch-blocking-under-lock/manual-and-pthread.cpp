// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// Mutexes locked and unlocked by hand: member lock()/unlock(), the shared
// mode of std::shared_mutex, POSIX mutexes and read-write locks.
#include <mutex>
#include <pthread.h>
#include <shared_mutex>
#include <sys/socket.h>
#include <unistd.h>

struct Conn {
  std::mutex mu_;
  std::shared_mutex smu_;
  int fd_;
  char buf_[64];
  int pending_;
};

pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_rwlock_t g_rw;
int g_count;

void member_lock_bad(Conn &c) {
  c.mu_.lock();
  send(c.fd_, c.buf_, 1, 0);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'send' while 'Conn::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Conn::mu_' acquired here
  c.mu_.unlock();
}

void member_lock_ok(Conn &c) {
  c.mu_.lock();
  ++c.pending_;
  c.mu_.unlock();
  send(c.fd_, c.buf_, 1, 0);
}

void lock_shared_bad(Conn &c) {
  c.smu_.lock_shared();
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Conn::smu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'Conn::smu_' acquired here
  c.smu_.unlock_shared();
}

void lock_shared_ok(Conn &c) {
  c.smu_.lock_shared();
  int n = c.pending_;
  c.smu_.unlock_shared();
  ::sleep(n);
}

void pthread_mutex_bad(Conn &c) {
  pthread_mutex_lock(&g_mu);
  recv(c.fd_, c.buf_, sizeof c.buf_, 0);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'recv' while 'g_mu' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'g_mu' acquired here
  pthread_mutex_unlock(&g_mu);
}

void pthread_mutex_ok(Conn &c) {
  pthread_mutex_lock(&g_mu);
  ++g_count;
  pthread_mutex_unlock(&g_mu);
  recv(c.fd_, c.buf_, sizeof c.buf_, 0);
}

void pthread_rdlock_bad() {
  pthread_rwlock_rdlock(&g_rw);
  ::usleep(10);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'usleep' while 'g_rw' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'g_rw' acquired here
  pthread_rwlock_unlock(&g_rw);
}

void pthread_wrlock_bad(pthread_t worker) {
  pthread_rwlock_wrlock(&g_rw);
  pthread_join(worker, nullptr);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'pthread_join' while 'g_rw' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'g_rw' acquired here
  pthread_rwlock_unlock(&g_rw);
}

void pthread_rwlock_ok(pthread_t worker) {
  pthread_rwlock_rdlock(&g_rw);
  int n = g_count;
  pthread_rwlock_unlock(&g_rw);
  pthread_rwlock_wrlock(&g_rw);
  g_count = n + 1;
  pthread_rwlock_unlock(&g_rw);
  pthread_join(worker, nullptr);
}

void std_guard_around_pthread_bad(Conn &c) {
  std::lock_guard<std::mutex> g(c.mu_);
  pthread_mutex_lock(&g_mu);
  pthread_mutex_unlock(&g_mu);
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Conn::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-5]]:3: note: 'Conn::mu_' acquired here
}
