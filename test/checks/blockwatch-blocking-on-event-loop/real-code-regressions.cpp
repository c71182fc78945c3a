// RUN: %tidy blockwatch-blocking-on-event-loop %s -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-on-event-loop %s -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// With another program of the same database (R12: each main is its own):
// RUN: %bw-text blockwatch-blocking-on-event-loop %s %S/Inputs/other-program.cpp -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// False positives found on real code (docs/real-code.md), kept fixed, with
// real Boost.Asio headers.
#include <boost/asio.hpp>
#include <boost/asio/spawn.hpp>
#include <fstream>
#include <memory>
#include <thread>

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

// R1 (Boost.Fiber's examples/asio/round_robin.hpp): the handler posted to
// an io_context runs that io_context's own dispatch loop; run_one there
// runs the other handlers, it does not stall them.
class Scheduler {
public:
  explicit Scheduler(std::shared_ptr<asio::io_context> const &io) : io_(io) {
    asio::post(*io_, [this] {
      while (!io_->stopped())
        if (!io_->run_one())
          break;
    });
  }

private:
  std::shared_ptr<asio::io_context> io_;
};
void nested_dispatch_ok(asio::io_context &io) {
  asio::post(io, [&io] { io.run_one(); });
}
// Running another io_context from a handler waits for that one's events.
void other_loop_bad(asio::io_context &io, asio::io_context &other) {
  asio::post(io, [&other] { other.run_one(); });
  // CHECK: :[[@LINE-1]]:29: warning: 'boost::asio::io_context::run_one' blocks the io_context's thread
}

// R14 (asio's services/logger_service.hpp): a private io_context run by the
// one thread made for it is a worker queue; file I/O posted to it is the
// handoff, not loop code.
class Logger {
public:
  Logger()
      : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~Logger() {
    io_.stop();
    thread_.join();
  }
  void use_file_ok(const std::string &name) {
    asio::post(io_, [this, name] { file_.open(name.c_str()); });
  }

private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
  std::ofstream file_;
};
// A thread that runs an io_context sockets are made on is an I/O loop.
class NetClient {
public:
  NetClient() : thread_([this] { io_.run(); }) {}
  void log_bad(const std::string &name) {
    asio::post(io_, [this, name] { file_.open(name.c_str()); });
    // CHECK: :[[@LINE-1]]:36: warning: 'std::basic_ofstream::open' blocks the io_context's thread
  }

private:
  asio::io_context io_;
  tcp::socket socket_{io_};
  std::thread thread_;
  std::ofstream file_;
};
// An io_context the calling thread runs too is that thread's loop.
void shared_loop_bad() {
  asio::io_context io;
  std::thread t([&io] { io.run(); });
  asio::post(io, [] { std::ofstream log("/tmp/log"); });
  // CHECK: :[[@LINE-1]]:37: warning: 'std::basic_ofstream::basic_ofstream' blocks the io_context's thread
  io.run();
  t.join();
}
