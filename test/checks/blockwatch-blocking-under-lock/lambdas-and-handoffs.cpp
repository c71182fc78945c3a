// RUN: %tidy blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// A lambda called in place runs under the caller's lock; a lambda handed to
// another thread does not.
#include <functional>
#include <mutex>
#include <thread>
#include <unistd.h>

std::mutex g_mu;
int g_jobs;

void immediately_invoked_lambda_bad() {
  std::lock_guard<std::mutex> g(g_mu);
  [] { ::sleep(1); }();
  // CHECK: :[[@LINE-1]]:3: warning: call to '(lambda at {{.*}}lambdas-and-handoffs.cpp:[[@LINE-1]]:3)' may block in 'sleep' while 'g_mu' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-3]]:3: note: 'g_mu' acquired here
  // CHECK: :[[@LINE-3]]:8: note: 'sleep' sleeps here
}

void immediately_invoked_lambda_ok() {
  std::lock_guard<std::mutex> g(g_mu);
  [] { ++g_jobs; }();
}

void lambda_variable_called_bad() {
  std::lock_guard<std::mutex> g(g_mu);
  auto nap = [] { ::usleep(10); };
  nap();
  // CHECK: :[[@LINE-1]]:3: warning: call to '(lambda at {{.*}}lambdas-and-handoffs.cpp:[[@LINE-2]]:14)' may block in 'usleep' while 'g_mu' is held [blockwatch-blocking-under-lock]
  // CHECK: :[[@LINE-4]]:3: note: 'g_mu' acquired here
}

void lambda_variable_called_after_unlock_ok() {
  std::unique_lock<std::mutex> lk(g_mu);
  auto nap = [] { ::usleep(10); };
  lk.unlock();
  nap();
}

void lambda_defined_not_called_ok() {
  std::lock_guard<std::mutex> g(g_mu);
  auto nap = [] { ::usleep(10); };
  (void)nap;
}

void std_invoke_bad() {
  std::lock_guard<std::mutex> g(g_mu);
  std::invoke([] { ::sleep(1); });
  // CHECK: :[[@LINE-1]]:15: warning: call to '(lambda at {{.*}}lambdas-and-handoffs.cpp:[[@LINE-1]]:15)' may block in 'sleep' while 'g_mu' is held [blockwatch-blocking-under-lock]
}

void lambda_to_thread_ok() {
  std::lock_guard<std::mutex> g(g_mu);
  std::thread worker([] { ::sleep(1); });
  worker.detach();
}

void lambda_to_thread_then_join_bad() {
  std::lock_guard<std::mutex> g(g_mu);
  std::thread worker([] { ::sleep(1); });
  worker.join();
  // CHECK: :[[@LINE-1]]:3: warning: blocking call 'std::thread::join' while 'g_mu' is held [blockwatch-blocking-under-lock]
}

void lock_inside_lambda_bad() {
  auto step = [] {
    std::lock_guard<std::mutex> g(g_mu);
    ::sleep(1);
    // CHECK: :[[@LINE-1]]:5: warning: blocking call 'sleep' while 'g_mu' is held [blockwatch-blocking-under-lock]
    // CHECK: :[[@LINE-3]]:5: note: 'g_mu' acquired here
  };
  step();
}

void lock_inside_lambda_ok() {
  auto step = [] {
    {
      std::lock_guard<std::mutex> g(g_mu);
      ++g_jobs;
    }
    ::sleep(1);
  };
  step();
}
