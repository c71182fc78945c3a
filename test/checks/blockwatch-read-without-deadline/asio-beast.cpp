// RUN: %tidy blockwatch-read-without-deadline %s -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-read-without-deadline %s -- -std=c++17 | FileCheck %s --implicit-check-not='warning:'
// RUN: %clang-tidy --load=%plugin --checks='-*,blockwatch-read-without-deadline' --config="{CheckOptions: {blockwatch-read-without-deadline.Timeout: 'std::chrono::seconds(5)'}}" %s --export-fixes=%t.yaml -- -std=c++17 > /dev/null 2>&1
// RUN: FileCheck --check-prefix=FIX %s < %t.yaml
// Real Boost.Asio and Boost.Beast headers.
#include <utility>
#include <memory>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <sys/socket.h>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;

void sync_read_bad(tcp::socket &s) {
  char b[8];
  s.read_some(asio::buffer(b));
  // CHECK: :[[@LINE-1]]:3: warning: 'boost::asio::basic_stream_socket::read_some' on 's' has no deadline: a silent peer blocks this thread forever; a synchronous read can only be bounded by SO_RCVTIMEO on the native handle; prefer the async form with a timer [blockwatch-read-without-deadline]
  asio::read(s, asio::buffer(b));
  // CHECK: :[[@LINE-1]]:3: warning: 'boost::asio::read' on 's' has no deadline
}

void sync_read_native_timeout_ok(tcp::socket &s) {
  timeval tv{5, 0};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char b[8];
  s.read_some(asio::buffer(b));
  asio::read(s, asio::buffer(b));
}

// Waiting for the next client is what an acceptor is for.
void accept_ok(tcp::acceptor &a, tcp::socket &s) {
  a.accept(s);
  a.async_accept(s, [](boost::system::error_code) {});
}

// Sockets held by smart pointers are the same sockets.
void shared_socket_bad(std::shared_ptr<tcp::socket> sock, char *b) {
  sock->async_read_some(asio::buffer(b, 8), [](auto, auto) {});
  // CHECK: :[[@LINE-1]]:3: warning: 'boost::asio::basic_stream_socket::async_read_some' on 'sock' has no deadline
}
void unique_socket_bad(std::unique_ptr<tcp::socket> &sock, char *b) {
  asio::async_read(*sock, asio::buffer(b, 8), [](auto, auto) {});
  // CHECK: :[[@LINE-1]]:3: warning: 'boost::asio::async_read' on '*sock' has no deadline
}

// Reading standard input through a stream descriptor is not a socket read.
void stdin_ok(asio::posix::stream_descriptor &in, char *b) {
  asio::async_read(in, asio::buffer(b, 8), [](auto, auto) {});
}

struct Conn {
  tcp::socket sock;
  char b[8];

  void async_read_bad() {
    sock.async_read_some(asio::buffer(b), [](auto, auto) {});
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::asio::basic_stream_socket::async_read_some' on 'sock' has no deadline: a silent peer leaves it pending forever; arm a steady_timer that cancels the socket, or race the read with a timer: co_await (read || timer.async_wait()) [blockwatch-read-without-deadline]
  }

  void local_timer_on_one_path_bad(asio::steady_timer &timer, bool careful) {
    if (careful)
      timer.async_wait([this](boost::system::error_code) { sock.cancel(); });
    asio::async_read(sock, asio::buffer(b), [](auto, auto) {});
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::asio::async_read' on 'sock' has no deadline
  }
};

// A class that arms a member timer has a watchdog for its reads, wherever
// it arms it (here: after starting the read).
struct Watched {
  tcp::socket sock;
  asio::steady_timer timer;
  char b[8];

  void start_ok() {
    sock.async_read_some(asio::buffer(b), [](auto, auto) {});
    check_deadline();
  }
  void check_deadline() {
    timer.async_wait([this](boost::system::error_code) { sock.cancel(); });
  }

  void async_read_with_timer_ok() {
    timer.expires_after(std::chrono::seconds(5));
    timer.async_wait([this](boost::system::error_code) { sock.cancel(); });
    sock.async_read_some(asio::buffer(b), [](auto, auto) {});
  }

};

struct Session {
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;

  void do_read_bad() {
    http::async_read(stream_, buffer_, req_, [](auto, auto) {});
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::beast::http::async_read' on 'stream_' has no deadline: a silent peer leaves it pending forever; call expires_after on the stream before the read [blockwatch-read-without-deadline]
    // FIX: ReplacementText: "stream_.expires_after(std::chrono::seconds(5));\n    "
  }

  void do_read_ok() {
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, req_, [](auto, auto) {});
  }

  // Beast's timeouts apply to asynchronous operations only.
  void sync_read_bad() {
    stream_.expires_after(std::chrono::seconds(30));
    http::read(stream_, buffer_, req_);
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::beast::http::read' on 'stream_' has no deadline: a silent peer blocks this thread forever; Beast's stream timeouts apply to asynchronous operations only
  }
};

struct WsSession {
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;

  void read_bad() {
    ws_.async_read(buffer_, [](auto, auto) {});
    // CHECK: :[[@LINE-1]]:5: warning: 'boost::beast::websocket::stream::async_read' on 'ws_' has no deadline
  }

  void read_with_lowest_layer_expiry_ok() {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    ws_.async_read(buffer_, [](auto, auto) {});
  }
};

// The websocket timeout option stays on the stream: set once in run(), it
// bounds the reads of every later method.
struct WsTimeoutSession {
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;

  void run_ok() {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept([this](boost::system::error_code) { do_read_ok(); });
  }
  void do_read_ok() { ws_.async_read(buffer_, [](auto, auto) {}); }
};
