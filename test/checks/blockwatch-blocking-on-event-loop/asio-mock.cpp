// RUN: %tidy blockwatch-blocking-on-event-loop %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-on-event-loop %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
#include <boost/asio.hpp>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <netdb.h>

namespace asio = boost::asio;

void flush_to_disk(int fd) { ::fsync(fd); }
// CHECK-DAG: :[[@LINE-1]]:30: warning: 'fsync' blocks the io_context's thread; this code runs in the handler scheduled at asio-mock.cpp:[[POST_LINE:[0-9]+]] [blockwatch-blocking-on-event-loop]
void log_line(int fd) { flush_to_disk(fd); }

struct Server {
  asio::io_context io;
  asio::thread_pool pool;
  std::mutex mu;
  int fd = 0;

  void post_chain_bad() {
    asio::post(io, [this] { log_line(fd); });
  }

  void post_to_pool_ok() {
    asio::post(pool, [this] { flush_to_disk(fd); });
  }

  void pool_executor_ok() {
    asio::post(pool.get_executor(), [this] { flush_to_disk(fd); });
  }

  void std_thread_ok() {
    std::thread t([this] { flush_to_disk(fd); });
    t.join();
  }

  // A worker holds mu across a disk flush...
  void checkpoint() {
    std::lock_guard<std::mutex> g(mu);
    ::fsync(fd);
  }

  // ...so a handler taking mu waits for that flush.
  void lock_bad() {
    asio::dispatch(io, [this] { std::lock_guard<std::mutex> g(mu); });
    // CHECK-DAG: :[[@LINE-1]]:33: warning: locking 'Server::mu' blocks the io_context's thread; this code runs in the handler scheduled at asio-mock.cpp:[[@LINE-1]] [blockwatch-blocking-on-event-loop]
  }

  // stats_mu is only ever held briefly.
  std::mutex stats_mu;
  int hits = 0;
  void brief_lock_ok() {
    asio::dispatch(io, [this] { std::lock_guard<std::mutex> g(stats_mu); ++hits; });
  }

  void dns_bad() {
    asio::post(io, [] { getaddrinfo("example.com", "80", nullptr, nullptr); });
    // CHECK-DAG: :[[@LINE-1]]:25: warning: 'getaddrinfo' blocks the io_context's thread; this code runs in the handler scheduled at asio-mock.cpp:[[@LINE-1]] [blockwatch-blocking-on-event-loop]
  }

  void poll_zero_ok() {
    asio::post(io, [] { pollfd p{}; poll(&p, 1, 0); });
  }

  void timer_handler_bad(asio::steady_timer &t) {
    t.async_wait([](boost::system::error_code) { ::usleep(10); });
    // CHECK-DAG: :[[@LINE-1]]:50: warning: 'usleep' blocks the io_context's thread; this code runs in the handler scheduled at asio-mock.cpp:[[@LINE-1]] [blockwatch-blocking-on-event-loop]
  }

  void read_handler_bad(asio::basic_stream_socket<int> &s, char *b) {
    s.async_read_some(asio::buffer(b), [](boost::system::error_code, size_t) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      // CHECK-DAG: :[[@LINE-1]]:7: warning: 'std::this_thread::sleep_for' blocks the io_context's thread; this code runs in the handler scheduled at asio-mock.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
    });
  }

  void async_op_ok(asio::basic_stream_socket<int> &s, char *b) {
    s.async_read_some(asio::buffer(b), [](boost::system::error_code, size_t) {});
  }
};

// The post at this line is the one the fsync chain is reported for.
void start(Server &s) { s.post_chain_bad(); }

// Named handler functions are entries too.
void on_timer(boost::system::error_code) { ::sleep(1); }
// CHECK-DAG: :[[@LINE-1]]:44: warning: 'sleep' blocks the io_context's thread; this code runs in the handler scheduled at asio-mock.cpp:[[@LINE+2]] [blockwatch-blocking-on-event-loop]
void arm(asio::steady_timer &t) {
  t.async_wait(&on_timer);
}

// Code before io_context::run() in main is not on the loop.
int main() {
  Server s;
  flush_to_disk(0);
  ::sleep(1);
  s.io.run();
}
