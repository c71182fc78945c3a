// Mock of folly/coro/Task.h: a lazily started coroutine type.
#pragma once
#include <coroutine>
namespace folly {
namespace coro {
template <class T = void> class Task {
public:
  struct promise_type {
    Task get_return_object() noexcept { return {}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept {}
  };
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) noexcept {}
  T await_resume();
};
} // namespace coro
} // namespace folly
