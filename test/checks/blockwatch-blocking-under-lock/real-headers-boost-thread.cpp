// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
#include <boost/thread/mutex.hpp>
#include <boost/thread/locks.hpp>
#include <boost/thread/condition_variable.hpp>
#include <unistd.h>

struct Ledger {
  boost::mutex mu_;
  boost::condition_variable cv_;
  bool ready_ = false;
  int fd_ = -1;
};

void lock_guard_bad(Ledger &l) {
  boost::lock_guard<boost::mutex> g(l.mu_);
  ::fsync(l.fd_);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'fsync' while 'Ledger::mu_' is held [blockwatch-blocking-under-lock]
}

void scoped_lock_typedef_bad(Ledger &l) {
  boost::mutex::scoped_lock g(l.mu_);
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'sleep' while 'Ledger::mu_' is held [blockwatch-blocking-under-lock]
}

void manual_bad(Ledger &l) {
  l.mu_.lock();
  ::usleep(5);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'usleep' while 'Ledger::mu_' is held [blockwatch-blocking-under-lock]
  l.mu_.unlock();
}

void released_ok(Ledger &l) {
  { boost::lock_guard<boost::mutex> g(l.mu_); l.ready_ = true; }
  ::fsync(l.fd_);
}

void wait_on_held_lock_ok(Ledger &l) {
  boost::unique_lock<boost::mutex> lk(l.mu_);
  while (!l.ready_)
    l.cv_.wait(lk);
}

void unique_lock_unlocked_ok(Ledger &l) {
  boost::unique_lock<boost::mutex> lk(l.mu_);
  l.ready_ = false;
  lk.unlock();
  ::sleep(1);
}
