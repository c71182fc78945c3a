// Mock of seastar/core/sleep.hh: sleep returns a future, it does not block.
#pragma once
#include <chrono>
#include <seastar/core/future.hh>
namespace seastar {
template <typename Rep, typename Period>
future<> sleep(std::chrono::duration<Rep, Period> dur) { return {}; }
} // namespace seastar
