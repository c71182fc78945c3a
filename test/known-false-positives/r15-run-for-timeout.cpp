// Known false positive R15 (docs/real-code.md): asio's
// timeouts/blocking_tcp_client.cpp drives an async read with
// io_context::run_for(timeout) and closes the socket when it times out, so
// the read is bounded. Expected to fail until run_for counts as a deadline:
// lit then reports XPASS and the XFAIL line goes.
// XFAIL: *
// RUN: %bw-text blockwatch-read-without-deadline %s -- -std=c++17 > %t.txt
// RUN: not grep warning: %t.txt
#include <utility>
#include <string>
#include <boost/asio.hpp>
using boost::asio::ip::tcp;
std::size_t read_line(boost::asio::io_context &io, tcp::socket &s,
                      std::string &buf) {
  std::size_t n = 0;
  boost::asio::async_read_until(s, boost::asio::dynamic_buffer(buf), '\n',
                                [&](boost::system::error_code, std::size_t m) { n = m; });
  io.restart();
  io.run_for(std::chrono::seconds(10));
  if (!io.stopped()) {
    s.close();
    io.run();
  }
  return n;
}
