// RUN: %tidy blockwatch-foreign-call-without-handoff %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck --allow-empty %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-foreign-call-without-handoff %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck --allow-empty %s --implicit-check-not='warning:'
// False positives found on real code (docs/real-code.md), kept fixed.
#include <boost/asio.hpp>
#include <coroutine>

namespace asio = boost::asio;

// R10: every co_await makes clang emit __builtin_coro_frame and friends;
// compiler builtins are not foreign code.
asio::awaitable<void> echo_ok(asio::basic_stream_socket<int> &s) {
  char b[16];
  co_await asio::async_read(s, asio::buffer(b), asio::use_awaitable);
  co_await std::suspend_never{};
}
