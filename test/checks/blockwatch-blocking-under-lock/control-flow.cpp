// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// Lock state across branches, early returns and loops. A mutex counts as
// held after a join only when it is held on every incoming path.
#include <mutex>
#include <unistd.h>

struct Journal {
  std::mutex mu_;
  int fd_;
  char buf_[64];
  int dirty_;
  bool closed_;
};

void unlock_on_one_branch_bad(Journal &j, bool quick) {
  j.mu_.lock();
  if (quick) {
    j.mu_.unlock();
    ::sleep(1);
  } else {
    ::sleep(2);
    // CHECK: :[[@LINE-1]]:5: warning: blocking call 'sleep' while 'Journal::mu_' is held [blockwatch-blocking-under-lock]
    // CHECK: :[[@LINE-7]]:3: note: 'Journal::mu_' acquired here
    j.mu_.unlock();
  }
}

void unlock_on_both_branches_ok(Journal &j, bool quick) {
  j.mu_.lock();
  if (quick)
    j.mu_.unlock();
  else
    j.mu_.unlock();
  ::sleep(1);
}

void released_on_one_branch_not_held_after_join_ok(Journal &j, bool quick) {
  j.mu_.lock();
  if (quick)
    j.mu_.unlock();
  ::sleep(1);
  if (!quick)
    j.mu_.unlock();
}

void held_on_both_branches_bad(Journal &j, bool quick) {
  std::lock_guard<std::mutex> g(j.mu_);
  if (quick)
    ++j.dirty_;
  else
    --j.dirty_;
  fsync(j.fd_);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'fsync' while 'Journal::mu_' is held [blockwatch-blocking-under-lock]
}

void guard_in_branch_ok(Journal &j, bool quick) {
  if (quick) {
    std::lock_guard<std::mutex> g(j.mu_);
    ++j.dirty_;
  }
  fsync(j.fd_);
}

int early_return_then_block_bad(Journal &j) {
  std::lock_guard<std::mutex> g(j.mu_);
  if (j.closed_)
    return -1;
  return static_cast<int>(read(j.fd_, j.buf_, sizeof j.buf_));
  // CHECK: :[[@LINE-1]]:27: warning: blocking call 'read' while 'Journal::mu_' is held [blockwatch-blocking-under-lock]
}

int early_return_from_scope_ok(Journal &j) {
  {
    std::lock_guard<std::mutex> g(j.mu_);
    if (j.closed_)
      return -1;
    ++j.dirty_;
  }
  return static_cast<int>(read(j.fd_, j.buf_, sizeof j.buf_));
}

int unlock_before_early_return_ok(Journal &j) {
  j.mu_.lock();
  if (j.closed_) {
    j.mu_.unlock();
    return static_cast<int>(read(j.fd_, j.buf_, 1));
  }
  j.mu_.unlock();
  return 0;
}

void guard_in_loop_body_ok(Journal &j, int n) {
  for (int i = 0; i < n; ++i) {
    std::lock_guard<std::mutex> g(j.mu_);
    ++j.dirty_;
  }
  fsync(j.fd_);
}

void guard_in_loop_body_bad(Journal &j, int n) {
  for (int i = 0; i < n; ++i) {
    std::lock_guard<std::mutex> g(j.mu_);
    write(j.fd_, j.buf_, 1);
    // CHECK: :[[@LINE-1]]:5: warning: blocking call 'write' while 'Journal::mu_' is held [blockwatch-blocking-under-lock]
    // CHECK: :[[@LINE-3]]:5: note: 'Journal::mu_' acquired here
  }
}

void manual_lock_each_iteration_ok(Journal &j, int n) {
  for (int i = 0; i < n; ++i) {
    j.mu_.lock();
    ++j.dirty_;
    j.mu_.unlock();
    write(j.fd_, j.buf_, 1);
  }
}

void blocking_after_loop_under_guard_bad(Journal &j, int n) {
  std::lock_guard<std::mutex> g(j.mu_);
  for (int i = 0; i < n; ++i)
    ++j.dirty_;
  fsync(j.fd_);
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'fsync' while 'Journal::mu_' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-5]]:3: note: 'Journal::mu_' acquired here
}

void break_out_of_guarded_loop_ok(Journal &j) {
  while (!j.closed_) {
    std::unique_lock<std::mutex> lk(j.mu_);
    if (j.dirty_ == 0)
      break;
    lk.unlock();
    write(j.fd_, j.buf_, 1);
  }
  fsync(j.fd_);
}

void continue_in_guarded_loop_bad(Journal &j, int n) {
  for (int i = 0; i < n; ++i) {
    std::unique_lock<std::mutex> lk(j.mu_);
    if (j.dirty_ == 0)
      continue;
    ::usleep(1);
    // CHECK: :[[@LINE-1]]:5: warning: blocking call 'usleep' while 'Journal::mu_' is held [blockwatch-blocking-under-lock]
  }
}
