// asio::experimental channels through the real standalone asio 1.22 headers
// (Boost 1.74's asio has no experimental::channel).
// RUN: %tidy blockwatch-channel-self-deadlock %s -- -std=c++20 -DASIO_HAS_CO_AWAIT -DASIO_HAS_STD_COROUTINE | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-channel-self-deadlock %s -- -std=c++20 -DASIO_HAS_CO_AWAIT -DASIO_HAS_STD_COROUTINE | FileCheck %s --implicit-check-not='warning:'
// RUN: not %blockwatch --checks='-*,blockwatch-channel-self-deadlock' --export-fixes=%t.yaml %s -- -std=c++20 -DASIO_HAS_CO_AWAIT -DASIO_HAS_STD_COROUTINE > /dev/null
// RUN: FileCheck --check-prefix=FIX %s < %t.yaml
#include <asio.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/experimental/concurrent_channel.hpp>

using asio::awaitable;
using asio::use_awaitable;
using Chan = asio::experimental::channel<void(asio::error_code, int)>;
using Shared = asio::experimental::concurrent_channel<void(asio::error_code, int)>;

// The coroutine that sends is the only one that receives.
awaitable<void> self_receiver_bad() {
  auto ex = co_await asio::this_coro::executor;
  Chan ch(ex);
  co_await ch.async_send(asio::error_code{}, 1, use_awaitable);
  // CHECK: :[[@LINE-1]]:12: warning: 'ch.async_send' can never complete: no other coroutine receives from 'ch' before this async_send; this coroutine blocks forever [blockwatch-channel-self-deadlock]
  // CHECK: :[[@LINE-3]]:8: note: 'ch' declared here without a buffer
  // CHECK: :[[@LINE-4]]:8: note: give 'ch' a capacity of 1, or start the coroutine that receives from it before the first send
  int v = co_await ch.async_receive(use_awaitable);
  (void)v;
}
// FIX: ReplacementText: ', 1'

awaitable<void> self_receiver_buffered_ok() {
  auto ex = co_await asio::this_coro::executor;
  Chan ch(ex, 1);
  co_await ch.async_send(asio::error_code{}, 1, use_awaitable);
  int v = co_await ch.async_receive(use_awaitable);
  (void)v;
}

awaitable<void> consumer(Chan &ch);

// More sends than the capacity before the receiver is spawned.
awaitable<void> spawned_after_bad() {
  auto ex = co_await asio::this_coro::executor;
  Chan ch(ex, 1);
  co_await ch.async_send(asio::error_code{}, 1, use_awaitable);
  co_await ch.async_send(asio::error_code{}, 2, use_awaitable);
  // CHECK: :[[@LINE-1]]:12: warning: 'ch.async_send' can never complete: 'ch' is full (it holds 1 item) and no other coroutine receives from it before this async_send
  // CHECK: :[[@LINE+2]]:31: note: 'ch' reaches other code only here, after the async_send
  // CHECK: :[[@LINE-5]]:8: note: give 'ch' a capacity of 2
  asio::co_spawn(ex, consumer(ch), asio::detached);
}
// FIX: ReplacementText: '2'

awaitable<void> spawned_first_ok() {
  auto ex = co_await asio::this_coro::executor;
  Chan ch(ex, 1);
  asio::co_spawn(ex, consumer(ch), asio::detached);
  co_await ch.async_send(asio::error_code{}, 1, use_awaitable);
  co_await ch.async_send(asio::error_code{}, 2, use_awaitable);
}

awaitable<void> spawned_lambda_first_ok() {
  auto ex = co_await asio::this_coro::executor;
  Chan ch(ex);
  asio::co_spawn(
      ex,
      [&]() -> awaitable<void> { co_await ch.async_receive(use_awaitable); },
      asio::detached);
  co_await ch.async_send(asio::error_code{}, 1, use_awaitable);
}

// A send with a completion handler does not suspend the coroutine; try_send
// never waits.
awaitable<void> not_awaited_ok() {
  auto ex = co_await asio::this_coro::executor;
  Chan ch(ex);
  ch.try_send(asio::error_code{}, 1);
  ch.async_send(asio::error_code{}, 2, [](asio::error_code) {});
  co_return;
}

awaitable<void> concurrent_overfill_bad() {
  auto ex = co_await asio::this_coro::executor;
  Shared ch(ex, 2);
  co_await ch.async_send(asio::error_code{}, 1, use_awaitable);
  co_await ch.async_send(asio::error_code{}, 2, use_awaitable);
  co_await ch.async_send(asio::error_code{}, 3, use_awaitable);
  // CHECK: :[[@LINE-1]]:12: warning: 'ch.async_send' can never complete: 'ch' is full (it holds 2 items) and no other coroutine receives from it before this async_send
}
// FIX: ReplacementText: '3'

awaitable<void> concurrent_closed_ok() {
  auto ex = co_await asio::this_coro::executor;
  Shared ch(ex);
  ch.close();
  co_await ch.async_send(asio::error_code{}, 1, use_awaitable);
}

// Nothing sends: the receive waits forever.
awaitable<int> receive_only_bad() {
  auto ex = co_await asio::this_coro::executor;
  Chan ch(ex);
  co_return co_await ch.async_receive(use_awaitable);
  // CHECK: :[[@LINE-1]]:22: warning: 'ch.async_receive' can never complete: nothing sends to 'ch' or closes it before this async_receive; this coroutine blocks forever
}

awaitable<int> receive_after_try_send_ok() {
  auto ex = co_await asio::this_coro::executor;
  Chan ch(ex, 1);
  ch.try_send(asio::error_code{}, 1);
  co_return co_await ch.async_receive(use_awaitable);
}
