// Known false positive R18 (docs/real-code.md): asio's
// timeouts/blocking_token_tcp_client.cpp. The completion token's
// async_result::initiate runs the io_context for at most the timeout and
// closes the socket when it expires, so the read is bounded; the analysis
// does not follow the token into its async_result. Expected to fail until it
// does: lit then reports XPASS and the XFAIL line goes.
// XFAIL: *
// RUN: %bw-text blockwatch-read-without-deadline %s -- -std=c++17 > %t.txt
// RUN: not grep warning: %t.txt
#include <utility>
#include <chrono>
#include <string>
#include <boost/asio.hpp>
using boost::asio::ip::tcp;
struct close_after {
  std::chrono::steady_clock::duration timeout_;
  tcp::socket &socket_;
};
namespace boost {
namespace asio {
template <typename T>
class async_result<close_after, void(boost::system::error_code, T)> {
public:
  template <typename Init, typename... Args>
  static T initiate(Init init, close_after token, Args &&...args) {
    io_context &io =
        static_cast<io_context &>(token.socket_.get_executor().context());
    boost::system::error_code error;
    T result{};
    init([&](boost::system::error_code e, T t) { error = e; result = t; },
         std::forward<Args>(args)...);
    io.restart();
    io.run_for(token.timeout_);
    if (!io.stopped()) {
      token.socket_.close();
      io.run();
    }
    return result;
  }
};
} // namespace asio
} // namespace boost
std::size_t read_line(tcp::socket &s, std::string &buf) {
  return boost::asio::async_read_until(s, boost::asio::dynamic_buffer(buf), '\n',
                                       close_after{std::chrono::seconds(10), s});
}
