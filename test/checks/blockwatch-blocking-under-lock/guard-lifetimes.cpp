// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// Guards whose tag follows the mutex, guards that release several mutexes,
// moved guards, and loops whose CFG has pruned edges.
#include <mutex>
#include <pthread.h>
#include <unistd.h>
#include <fcntl.h>

std::mutex a, b;
pthread_mutex_t pm;
pthread_cond_t pc;
bool ready;

void defer_lock_ok() {
  std::unique_lock<std::mutex> lk(a, std::defer_lock);
  ::sleep(1);
}

void defer_then_lock_bad() {
  std::unique_lock<std::mutex> lk(a, std::defer_lock);
  lk.lock();
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'a' is held [blockwatch-blocking-under-lock]
}

void defer_lock_unlock_ok() {
  std::unique_lock<std::mutex> lk(a, std::defer_lock);
  lk.lock();
  lk.unlock();
  ::sleep(1);
}

void adopted_released_at_scope_end_ok() {
  a.lock();
  { std::lock_guard<std::mutex> g(a, std::adopt_lock); }
  ::sleep(1);
}

void scoped_lock_releases_both_ok() {
  { std::scoped_lock g(a, b); }
  ::sleep(1);
}

void scoped_lock_bad() {
  std::scoped_lock g(a, b);
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while '{{a|b}}' is held [blockwatch-blocking-under-lock]
}

void moved_guard_unlocked_ok() {
  std::unique_lock<std::mutex> lk(a);
  auto lk2 = std::move(lk);
  lk2.unlock();
  ::sleep(2);
}

void moved_guard_bad() {
  std::unique_lock<std::mutex> lk(a);
  std::unique_lock<std::mutex> lk2(std::move(lk));
  ::sleep(2);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'a' is held [blockwatch-blocking-under-lock]
}

void pthread_cond_wait_releases_ok() {
  pthread_mutex_lock(&pm);
  while (!ready)
    pthread_cond_wait(&pc, &pm);
  pthread_mutex_unlock(&pm);
}

void pthread_cond_wait_other_lock_bad() {
  std::lock_guard<std::mutex> g(b);
  pthread_mutex_lock(&pm);
  while (!ready)
    pthread_cond_wait(&pc, &pm);
  // CHECK: :[[@LINE-1]]:5: warning: blocking call 'pthread_cond_wait' while 'b' is held [blockwatch-blocking-under-lock]
  pthread_mutex_unlock(&pm);
}

void read_nonblocking_fd_ok(int fd, char *buf) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  std::lock_guard<std::mutex> g(a);
  read(fd, buf, 1);
}

void fsync_nonblocking_fd_bad(int fd) {
  fcntl(fd, F_SETFL, O_NONBLOCK);
  std::lock_guard<std::mutex> g(a);
  fsync(fd);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'fsync' while 'a' is held [blockwatch-blocking-under-lock]
}

int poll_once();
void infinite_loop_bad() {
  for (;;) {
    std::lock_guard<std::mutex> g(a);
    if (poll_once())
      break;
    ::usleep(10);
    // CHECK: :[[@LINE-1]]:5: warning: blocking call 'usleep' while 'a' is held [blockwatch-blocking-under-lock]
  }
}

void while_true_ok() {
  while (true) {
    { std::lock_guard<std::mutex> g(a); }
    ::usleep(10);
  }
}
