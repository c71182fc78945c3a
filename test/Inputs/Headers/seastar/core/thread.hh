// Mock of seastar/core/thread.hh: seastar::async runs its function in a
// seastar::thread, a stackful coroutine on the reactor thread.
#pragma once
#include <seastar/core/future.hh>
namespace seastar {
struct thread_attributes {};
template <typename Func, typename... Args>
future<> async(thread_attributes attr, Func &&func, Args &&...args) noexcept { return {}; }
template <typename Func, typename... Args>
future<> async(Func &&func, Args &&...args) noexcept { return {}; }
class thread {
public:
  static void yield();
  static bool should_yield();
  static void maybe_yield();
};
} // namespace seastar
