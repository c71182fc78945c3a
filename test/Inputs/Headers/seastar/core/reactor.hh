// Mock of seastar/core/reactor.hh: the reactor and its syscall thread pool.
#pragma once
#include <seastar/core/future.hh>
namespace seastar {
class thread_pool {
public:
  template <typename T, typename Func> future<T> submit(Func func) noexcept { return {}; }
};
class reactor {
public:
  thread_pool &get_thread_pool();
  thread_pool *_thread_pool;
};
reactor &engine();
} // namespace seastar
