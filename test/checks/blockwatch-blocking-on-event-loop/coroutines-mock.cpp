// RUN: %tidy blockwatch-blocking-on-event-loop %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-on-event-loop %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %tidy blockwatch-blocking-on-event-loop %s --config="{CheckOptions: {blockwatch-blocking-on-event-loop.UnknownCoroutinesOnLoop: false}}" -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck --check-prefix=KNOWN %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-on-event-loop %s --no-unknown-coroutines -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck --check-prefix=KNOWN %s --implicit-check-not='warning:'
#include <boost/asio.hpp>
#include <coroutine>
#include <unistd.h>

namespace asio = boost::asio;

asio::awaitable<void> session_bad(asio::basic_stream_socket<int> &s) {
  char b[16];
  asio::read(s, asio::buffer(b));
  // CHECK: :[[@LINE-1]]:3: warning: 'boost::asio::read' blocks the io_context's thread; this code runs in the coroutine 'session_bad' at coroutines-mock.cpp:[[@LINE-3]] [blockwatch-blocking-on-event-loop]
  // CHECK-NEXT: asio::read(s, asio::buffer(b));
  // CHECK-NEXT: ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
  // CHECK-NEXT: {{^      \|   co_await asio::async_read\(s, asio::buffer\(b\), asio::use_awaitable\)$}}
  // KNOWN: :[[@LINE-5]]:3: warning: 'boost::asio::read'
  co_return;
}

// A helper called from the coroutine gets no co_await rewrite: it is not a
// coroutine itself.
void read_all(asio::basic_stream_socket<int> &s) {
  char b[16];
  asio::read(s, asio::buffer(b));
  // CHECK: :[[@LINE-1]]:3: warning: 'boost::asio::read' blocks the io_context's thread; this code runs in the coroutine 'via_helper_bad' at coroutines-mock.cpp:[[@LINE+5]] [blockwatch-blocking-on-event-loop]
  // CHECK-NOT: co_await
  // CHECK: note: use co_await asio::async_read (or async_read with a completion handler) instead
  // KNOWN: :[[@LINE-4]]:3: warning: 'boost::asio::read'
}
asio::awaitable<void> via_helper_bad(asio::basic_stream_socket<int> &s) {
  read_all(s);
  co_return;
}

asio::awaitable<void> async_ok(asio::basic_stream_socket<int> &s) {
  char b[16];
  co_await asio::async_read(s, asio::buffer(b), asio::use_awaitable);
}

// A coroutine of a task type no pack names: some scheduler resumes it, so it
// counts as loop code unless UnknownCoroutinesOnLoop is off.
struct task {
  struct promise_type {
    task get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};
task generic_bad() {
  co_await std::suspend_always{};
  ::sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the thread that resumes this coroutine; this code runs in the coroutine 'generic_bad' at coroutines-mock.cpp:[[@LINE-3]] [blockwatch-blocking-on-event-loop]
}

// A user-annotated loop function.
[[clang::annotate("blockwatch::event_loop")]] void on_tick() {
  ::usleep(100);
  // CHECK: :[[@LINE-1]]:3: warning: 'usleep' blocks the event loop's thread; this code runs in the function annotated as loop code 'on_tick' at coroutines-mock.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
  // KNOWN: :[[@LINE-2]]:3: warning: 'usleep' blocks the event loop's thread
}

// A stackful coroutine: the yield_context parameter marks it.
void stackful_bad(asio::yield_context yield) {
  ::sleep(2);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the io_context's thread; this code runs in the stackful coroutine 'stackful_bad' at coroutines-mock.cpp:[[@LINE-2]] [blockwatch-blocking-on-event-loop]
  // KNOWN: :[[@LINE-2]]:3: warning: 'sleep' blocks the io_context's thread
}

void plain_ok() { ::sleep(1); }
