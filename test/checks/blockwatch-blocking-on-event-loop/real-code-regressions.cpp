// RUN: %tidy blockwatch-blocking-on-event-loop %s -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-on-event-loop %s -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// With another program of the same database (R12: each main is its own):
// RUN: %bw-text blockwatch-blocking-on-event-loop %s %S/Inputs/other-program.cpp -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// False positives found on real code (docs/real-code.md), kept fixed, with
// real Boost.Asio headers.
#include <boost/asio.hpp>
#include <boost/asio/spawn.hpp>
#include <fstream>

namespace asio = boost::asio;
using asio::ip::tcp;

// R12: a stackful coroutine spawned onto a thread pool is not loop code,
// although its yield_context parameter marks stackful coroutines.
void spawn_on_pool_ok(asio::thread_pool &pool) {
  asio::spawn(pool, [](asio::yield_context) {
    std::ofstream log("/tmp/log");
    log << "ok";
  });
}
void spawn_on_loop_bad(asio::io_context &io) {
  asio::spawn(io, [](asio::yield_context) {
    std::ofstream log("/tmp/log");
    // CHECK: :[[@LINE-1]]:19: warning: 'std::basic_ofstream::basic_ofstream' blocks the io_context's thread
  });
}

// R12 (asio's spawn/parallel_grep.cpp): the same, spawned from main. A
// database of example programs has a main in each; merged into one function
// by name, the other program's main would hide this one's handoff.
int main() {
  asio::thread_pool pool;
  asio::spawn(pool, [](asio::yield_context) { std::ifstream in("input.txt"); });
  pool.join();
}

// R13: a socket put in non-blocking mode returns at once from read_some.
void nonblocking_read_ok(tcp::socket &s) {
  s.non_blocking(true);
  s.async_wait(tcp::socket::wait_read, [&s](boost::system::error_code) {
    char b[64];
    boost::system::error_code ec;
    s.read_some(asio::buffer(b), ec);
  });
}
void blocking_read_bad(tcp::socket &s) {
  s.async_wait(tcp::socket::wait_read, [&s](boost::system::error_code) {
    char b[64];
    s.read_some(asio::buffer(b));
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::asio::basic_stream_socket::read_some' blocks the io_context's thread
  });
}
