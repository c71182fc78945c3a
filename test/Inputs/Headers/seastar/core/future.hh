// Mock of seastar/core/future.hh: future<T> with continuations, usable as a
// coroutine return type (real seastar adds that in coroutine.hh).
#pragma once
#include <coroutine>
namespace seastar {
template <typename T = void> class future {
public:
  struct promise_type {
    future get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept {}
  };
  bool available() const noexcept;
  bool failed() const noexcept;
  T get();
  void wait() noexcept;
  template <typename Func> future<> then(Func &&func) noexcept { return {}; }
  template <typename Func> future<> then_wrapped(Func &&func) noexcept { return {}; }
  template <typename Func> future<> finally(Func &&func) noexcept { return {}; }
  template <typename Func> future<> handle_exception(Func &&func) noexcept { return {}; }
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) noexcept {}
  T await_resume();
};
template <typename T = void> future<T> make_ready_future() noexcept { return {}; }
} // namespace seastar
