// RUN: %tidy blockwatch-read-without-deadline %s -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-read-without-deadline %s -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// False positives found on real code (docs/real-code.md), kept fixed,
// with real Boost.Asio headers.
#include <utility>
#include <boost/asio.hpp>

namespace asio = boost::asio;
using asio::ip::tcp;

// R13 (asio's nonblocking/third_party_lib.cpp): the session's socket is a
// reference to the connection's, which is in non-blocking mode.
class LibSession {
public:
  explicit LibSession(tcp::socket &socket) : socket_(socket) {}
  void do_read_ok(boost::system::error_code &ec) {
    socket_.read_some(asio::buffer(data_), ec);
  }

private:
  tcp::socket &socket_;
  char data_[128];
};
class Glue {
public:
  explicit Glue(tcp::socket socket) : socket_(std::move(socket)) {}
  void start() { socket_.non_blocking(true); }

private:
  tcp::socket socket_;
  LibSession session_{socket_};
};
class BlockingLibSession {
public:
  explicit BlockingLibSession(tcp::socket &socket) : socket_(socket) {}
  void do_read_bad(boost::system::error_code &ec) {
    socket_.read_some(asio::buffer(data_), ec);
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::asio::basic_stream_socket::read_some' on 'socket_' has no deadline
  }

private:
  tcp::socket &socket_;
  char data_[128];
};
class BlockingGlue {
public:
  explicit BlockingGlue(tcp::socket socket) : socket_(std::move(socket)) {}

private:
  tcp::socket socket_;
  BlockingLibSession session_{socket_};
};
