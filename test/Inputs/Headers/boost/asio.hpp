// Minimal Boost.Asio shapes (qualified names as in Boost 1.81) for fast tests.
#pragma once
#include "../bw_mock_std.h"
#include "../coroutine"
namespace boost {
namespace system { struct error_code {}; }
namespace asio {
struct any_io_executor {};
class io_context {
public:
  using executor_type = any_io_executor;
  executor_type get_executor();
  unsigned long run();
  void stop();
};
class thread_pool {
public:
  explicit thread_pool(unsigned long n = 0);
  struct executor_type {};
  executor_type get_executor();
  void join();
};
template <class E, class F> void post(E &&ex, F &&f) {}
template <class F> void post(F &&f) {}
template <class E, class F> void dispatch(E &&ex, F &&f) {}
template <class E, class F> void defer(E &&ex, F &&f) {}
struct mutable_buffer {};
template <class T> mutable_buffer buffer(T &, unsigned long n = 0);
struct use_awaitable_t {};
inline constexpr use_awaitable_t use_awaitable{};
struct detached_t {};
inline constexpr detached_t detached{};
template <class T> class awaitable;
namespace detail {
struct promise_base {
  struct never { bool await_ready() noexcept { return true; } void await_suspend(std::coroutine_handle<>) noexcept {} void await_resume() noexcept {} };
  never initial_suspend() noexcept { return {}; }
  never final_suspend() noexcept { return {}; }
  void unhandled_exception() {}
};
template <class T> struct promise : promise_base {
  awaitable<T> get_return_object();
  void return_value(T) {}
};
template <> struct promise<void> : promise_base {
  awaitable<void> get_return_object();
  void return_void() {}
};
} // namespace detail
template <class T = void> class awaitable {
public:
  using promise_type = detail::promise<T>;
  bool await_ready() { return true; }
  void await_suspend(std::coroutine_handle<>) {}
  T await_resume();
};
template <class T> awaitable<T> detail::promise<T>::get_return_object() { return {}; }
inline awaitable<void> detail::promise<void>::get_return_object() { return {}; }
template <class E, class A, class T> void co_spawn(E &&ex, A &&a, T &&token) {}
class yield_context_base {};
template <class Executor> class basic_yield_context {};
using yield_context = basic_yield_context<any_io_executor>;
template <class E, class F> void spawn(E &&ex, F &&f) {}
namespace ip {
struct tcp {
  struct endpoint {};
  template <class P, class E = any_io_executor> class basic_resolver_mock;
  using resolver = class resolver_t;
};
template <class P, class E = any_io_executor> class basic_resolver {
public:
  explicit basic_resolver(io_context &);
  int resolve(const char *host, const char *service);
  template <class H> void async_resolve(const char *host, const char *service, H &&h) {}
};
} // namespace ip
template <class P, class E = any_io_executor> class basic_stream_socket {
public:
  explicit basic_stream_socket(io_context &);
  template <class B> unsigned long read_some(const B &b);
  template <class B> unsigned long write_some(const B &b);
  template <class B, class H> void async_read_some(const B &b, H &&h) {}
  template <class B, class H> void async_write_some(const B &b, H &&h) {}
  void close();
};
template <class P, class E = any_io_executor> class basic_socket_acceptor {
public:
  explicit basic_socket_acceptor(io_context &);
  template <class S> void accept(S &s);
  template <class S, class H> void async_accept(S &s, H &&h) {}
};
template <class C, class E = any_io_executor> class basic_waitable_timer {
public:
  explicit basic_waitable_timer(io_context &);
  template <class D> void expires_after(D d);
  void wait();
  template <class H> void async_wait(H &&h) {}
  void cancel();
};
using steady_timer = basic_waitable_timer<std::chrono::steady_clock>;
namespace ip {
using tcp_socket = basic_stream_socket<tcp>;
}
template <class S, class B> unsigned long read(S &s, const B &b);
template <class S, class B> unsigned long write(S &s, const B &b);
template <class S, class B, class H> void async_read(S &s, const B &b, H &&h) {}
template <class S, class B> awaitable<unsigned long> async_read(S &s, const B &b, use_awaitable_t);
template <class S, class B, class H> void async_write(S &s, const B &b, H &&h) {}
template <class S, class B> unsigned long read_until(S &s, B &b, const char *delim);
template <class Ex, class H> H bind_executor(const Ex &ex, H h) { return h; }
} // namespace asio
} // namespace boost
