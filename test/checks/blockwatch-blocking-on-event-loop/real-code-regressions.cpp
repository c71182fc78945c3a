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

// R13 (asio's nonblocking/third_party_lib.cpp): a library session keeps a
// reference to the connection's socket, which the connection put in
// non-blocking mode; every construction of the session passes that socket.
class LibSession {
public:
  explicit LibSession(tcp::socket &socket) : socket_(socket) {}
  void do_read_ok(boost::system::error_code &ec) {
    socket_.read_some(asio::buffer(data_), ec);
  }
  void do_write_ok(boost::system::error_code &ec) {
    socket_.write_some(asio::buffer(data_), ec);
  }

private:
  tcp::socket &socket_;
  char data_[128];
};
class Glue {
public:
  explicit Glue(tcp::socket socket) : socket_(std::move(socket)) {}
  void start() {
    socket_.non_blocking(true);
    socket_.async_wait(tcp::socket::wait_read, [this](boost::system::error_code ec) {
      session_.do_read_ok(ec);
      session_.do_write_ok(ec);
    });
  }

private:
  tcp::socket socket_;
  LibSession session_{socket_};
};
// The same shape without non_blocking(true): the reads block the loop.
class BlockingLibSession {
public:
  explicit BlockingLibSession(tcp::socket &socket) : socket_(socket) {}
  void do_read_bad(boost::system::error_code &ec) {
    socket_.read_some(asio::buffer(data_), ec);
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::asio::basic_stream_socket::read_some' blocks the io_context's thread
  }

private:
  tcp::socket &socket_;
  char data_[128];
};
class BlockingGlue {
public:
  explicit BlockingGlue(tcp::socket socket) : socket_(std::move(socket)) {}
  void start() {
    socket_.async_wait(tcp::socket::wait_read, [this](boost::system::error_code ec) {
      session_.do_read_bad(ec);
    });
  }

private:
  tcp::socket socket_;
  BlockingLibSession session_{socket_};
};
// Made from a non-blocking socket in one place and a blocking one in
// another: the member is not known to be non-blocking.
class MixedSession {
public:
  explicit MixedSession(tcp::socket &socket) : socket_(socket) {}
  void do_read_bad() {
    char b[8];
    socket_.read_some(asio::buffer(b));
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::asio::basic_stream_socket::read_some' blocks the io_context's thread
  }

private:
  tcp::socket &socket_;
};
void mixed_sessions(tcp::socket &nb, tcp::socket &plain) {
  nb.non_blocking(true);
  MixedSession a(nb), b(plain);
  asio::post(nb.get_executor(), [&a, &b] {
    a.do_read_bad();
    b.do_read_bad();
  });
}
