// RUN: %tidy blockwatch-read-without-deadline %s -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-read-without-deadline %s -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// False positives and lost true positives found on real code
// (docs/real-code.md), kept fixed, with real Boost.Asio and Beast headers.
#include <utility>
#include <memory>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <sys/socket.h>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using asio::ip::udp;

// R4 (Beast's http_crawl.cpp): a tcp_stream expiry bounds every async
// operation started after it until it is set again, so one set before
// async_write bounds the read that the write's completion handler starts.
class Crawler : public std::enable_shared_from_this<Crawler> {
public:
  void on_connect() {
    stream_.expires_after(std::chrono::seconds(10));
    http::async_write(stream_, req_,
                      beast::bind_front_handler(&Crawler::on_write_ok,
                                                shared_from_this()));
  }
  void on_write_ok(beast::error_code, std::size_t) {
    http::async_read(stream_, buffer_, res_, [](beast::error_code, std::size_t) {});
  }

private:
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> req_;
  http::response<http::string_body> res_;
};

// Through a lambda handler that calls a method of the same object.
struct Client {
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> req_;
  http::response<http::string_body> res_;

  void send() {
    stream_.expires_after(std::chrono::seconds(10));
    http::async_write(stream_, req_, [this](beast::error_code, std::size_t) { on_write_ok(); });
  }
  void on_write_ok() {
    http::async_read(stream_, buffer_, res_, [](beast::error_code, std::size_t) {});
  }
};

// Reached also from a path that sets no expiry: unbounded there.
struct TwoPaths {
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> req_;
  http::response<http::string_body> res_;

  void send() {
    stream_.expires_after(std::chrono::seconds(10));
    http::async_write(stream_, req_, [this](beast::error_code, std::size_t) { read_bad(); });
  }
  void resend() {
    http::async_write(stream_, req_, [this](beast::error_code, std::size_t) { read_bad(); });
  }
  void read_bad() {
    http::async_read(stream_, buffer_, res_, [](beast::error_code, std::size_t) {});
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::beast::http::async_read' on 'stream_' has no deadline
  }
};

// expires_never takes the expiry away again.
struct Cleared {
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> req_;
  http::response<http::string_body> res_;

  void send() {
    stream_.expires_after(std::chrono::seconds(10));
    http::async_write(stream_, req_, [this](beast::error_code, std::size_t) { read_bad(); });
  }
  void read_bad() {
    stream_.expires_never();
    http::async_read(stream_, buffer_, res_, [](beast::error_code, std::size_t) {});
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::beast::http::async_read' on 'stream_' has no deadline
  }
  void cleared_in_line_bad() {
    stream_.expires_after(std::chrono::seconds(10));
    stream_.expires_never();
    http::async_read(stream_, buffer_, res_, [](beast::error_code, std::size_t) {});
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::beast::http::async_read' on 'stream_' has no deadline
  }
};

// An expiry on another object's stream is not this one's.
struct Peer {
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::response<http::string_body> res_;
  void read_bad() {
    http::async_read(stream_, buffer_, res_, [](beast::error_code, std::size_t) {});
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::beast::http::async_read' on 'stream_' has no deadline
  }
};
struct Relay {
  beast::tcp_stream stream_;
  http::request<http::empty_body> req_;
  Peer *peer_;
  void send() {
    stream_.expires_after(std::chrono::seconds(10));
    http::async_write(stream_, req_, [this](beast::error_code, std::size_t) { peer_->read_bad(); });
  }
};

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

// UDP: a server waiting for any client is not waiting on a peer; a client
// that sent a request and waits for the reply is (asio's
// futures/daytime_client.cpp, tutorial/daytime4/client.cpp).
void udp_client_bad(udp::socket &s, const udp::endpoint &server) {
  char b[128];
  s.send_to(asio::buffer(b, 1), server);
  udp::endpoint from;
  s.receive_from(asio::buffer(b), from);
  // CHECK: :[[@LINE-1]]:3: warning: 'boost::asio::basic_datagram_socket::receive_from' on 's' has no deadline
}
void udp_async_client_bad(udp::socket &s, const udp::endpoint &server, char *b,
                          udp::endpoint &from) {
  s.async_send_to(asio::buffer(b, 1), server, [](boost::system::error_code, std::size_t) {});
  s.async_receive_from(asio::buffer(b, 128), from, [](boost::system::error_code, std::size_t) {});
  // CHECK: :[[@LINE-1]]:3: warning: 'boost::asio::basic_datagram_socket::async_receive_from' on 's' has no deadline
}
void udp_connected_client_bad(udp::socket &s, const udp::endpoint &server) {
  char b[128];
  s.connect(server);
  s.receive(asio::buffer(b));
  // CHECK: :[[@LINE-1]]:3: warning: 'boost::asio::basic_datagram_socket::receive' on 's' has no deadline
}
void udp_echo_server_ok(udp::socket &s) {
  for (;;) {
    char b[128];
    udp::endpoint from;
    std::size_t n = s.receive_from(asio::buffer(b), from);
    s.send_to(asio::buffer(b, n), from);
  }
}
struct UdpServer {
  udp::socket socket_;
  udp::endpoint from_;
  char b_[128];
  void do_receive_ok() {
    socket_.async_receive_from(asio::buffer(b_), from_, [this](boost::system::error_code, std::size_t n) {
      do_send(n);
    });
  }
  void do_send(std::size_t n) {
    socket_.async_send_to(asio::buffer(b_, n), from_, [this](boost::system::error_code, std::size_t) {
      do_receive_ok();
    });
  }
};
void udp_client_with_timeout_ok(udp::socket &s, const udp::endpoint &server) {
  timeval tv{5, 0};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char b[128];
  s.send_to(asio::buffer(b, 1), server);
  udp::endpoint from;
  s.receive_from(asio::buffer(b), from);
}
void posix_udp_client_bad(const sockaddr *server, socklen_t len) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  char b[128];
  sendto(fd, b, 1, 0, server, len);
  recvfrom(fd, b, sizeof b, 0, nullptr, nullptr);
  // CHECK: :[[@LINE-1]]:3: warning: 'recvfrom' on 'fd' has no deadline
}
void posix_udp_server_ok() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  char b[128];
  sockaddr_storage from;
  socklen_t len = sizeof from;
  recvfrom(fd, b, sizeof b, 0, reinterpret_cast<sockaddr *>(&from), &len);
}
