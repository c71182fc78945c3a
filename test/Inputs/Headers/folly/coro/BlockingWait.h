// Mock of folly/coro/BlockingWait.h.
#pragma once
#include <folly/coro/Task.h>
namespace folly {
namespace coro {
template <class Awaitable> void blockingWait(Awaitable &&awaitable) {}
} // namespace coro
} // namespace folly
