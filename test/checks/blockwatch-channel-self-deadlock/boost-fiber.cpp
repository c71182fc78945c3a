// Boost.Fiber channels through the real Boost 1.74 headers.
// RUN: %tidy blockwatch-channel-self-deadlock %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-channel-self-deadlock %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// RUN: not %blockwatch --checks='-*,blockwatch-channel-self-deadlock' --export-fixes=%t.yaml %s -- -std=c++20 > /dev/null
// RUN: FileCheck --check-prefix=FIX %s < %t.yaml
#include <boost/fiber/all.hpp>
#include <chrono>
#include <thread>

using boost::fibers::buffered_channel;
using boost::fibers::channel_op_status;
using boost::fibers::fiber;
using boost::fibers::unbuffered_channel;

// The pushing fiber is the only one that pops.
void push_then_pop_bad() {
  unbuffered_channel<int> ch;
  ch.push(1);
  // CHECK: :[[@LINE-1]]:3: warning: 'ch.push' can never complete: no other fiber receives from 'ch' before this push; this fiber blocks forever [blockwatch-channel-self-deadlock]
  // CHECK: :[[@LINE-3]]:27: note: 'ch' declared here without a buffer
  // CHECK: :[[@LINE-4]]:27: note: give 'ch' a capacity of 2, or start the fiber that receives from it before the first send
  int v;
  ch.pop(v);
}
// FIX: ReplacementText: 'buffered_channel'
// FIX: ReplacementText: '{2}'

void push_then_pop_buffered_ok() {
  buffered_channel<int> ch{2};
  ch.push(1);
  int v;
  ch.pop(v);
}

// The consumer fiber is created only after the push.
void consumer_after_bad() {
  unbuffered_channel<int> ch;
  ch.push(1);
  // CHECK: :[[@LINE-1]]:3: warning: 'ch.push' can never complete: no other fiber receives from 'ch' before this push; this fiber blocks forever
  // CHECK: :[[@LINE+1]]:9: note: a fiber that can use 'ch' starts only here, after the push
  fiber f([&] { int v; ch.pop(v); });
  f.join();
}
// FIX: ReplacementText: 'buffered_channel'
// FIX: ReplacementText: '{2}'

void consumer_first_ok() {
  unbuffered_channel<int> ch;
  fiber f([&] { int v; ch.pop(v); });
  ch.push(1);
  f.join();
}

// buffered_channel{4} holds three values.
void overfill_bad() {
  buffered_channel<int> ch{4};
  ch.push(1);
  ch.push(2);
  ch.push(3);
  ch.push(4);
  // CHECK: :[[@LINE-1]]:3: warning: 'ch.push' can never complete: 'ch' is full (it holds 3 items) and no other fiber receives from it before this push; this fiber blocks forever
  // CHECK: :[[@LINE-6]]:25: note: 'ch' declared here, holding 3 items
  // CHECK: :[[@LINE+2]]:9: note: a fiber that can use 'ch' starts only here, after the push
  // CHECK: :[[@LINE-8]]:25: note: give 'ch' a capacity of 8, or start the fiber that receives from it before the first send
  fiber f([&] {
    int v;
    while (ch.pop(v) == channel_op_status::success) {
    }
  });
  ch.close();
  f.join();
}
// FIX: ReplacementText: '8'

void fill_ok() {
  buffered_channel<int> ch{4};
  ch.push(1);
  ch.push(2);
  ch.push(3);
  fiber f([&] {
    int v;
    while (ch.pop(v) == channel_op_status::success) {
    }
  });
  ch.close();
  f.join();
}

// Nothing sends and nothing closes.
int value_pop_bad() {
  unbuffered_channel<int> ch;
  return ch.value_pop();
  // CHECK: :[[@LINE-1]]:10: warning: 'ch.value_pop' can never complete: nothing sends to 'ch' or closes it before this value_pop; this fiber blocks forever
  // CHECK: :[[@LINE-2]]:10: note: start the fiber that sends to 'ch' before this value_pop
}

int value_pop_after_push_ok() {
  buffered_channel<int> ch{2};
  ch.push(7);
  return ch.value_pop();
}

// The only fiber that uses the channel receives; nothing ever sends.
void pop_in_fiber_bad() {
  unbuffered_channel<int> ch;
  fiber f([&] {
    int v;
    ch.pop(v);
    // CHECK: :[[@LINE-1]]:5: warning: 'ch.pop' can never complete: nothing sends to 'ch' or closes it; this fiber blocks forever
  });
  f.join();
}

void pop_in_fiber_with_producer_ok() {
  unbuffered_channel<int> ch;
  fiber f([&] {
    int v;
    ch.pop(v);
  });
  ch.push(1);
  f.join();
}

// The fiber started first only sends too: nobody receives.
void producer_only_bad() {
  unbuffered_channel<int> ch;
  fiber f([&] { ch.push(2); });
  ch.push(1);
  // CHECK: :[[@LINE-1]]:3: warning: 'ch.push' can never complete: no other fiber receives from 'ch' before this push
  // CHECK: :[[@LINE-2]]:3: note: start the fiber that receives from 'ch' before the first send
  f.join();
}

void thread_consumer_ok() {
  unbuffered_channel<int> ch;
  std::thread t([&] { int v; ch.pop(v); });
  ch.push(1);
  t.join();
}

// A loop pushes an unknown number of values: no capacity fix-it.
void loop_bad() {
  unbuffered_channel<int> ch;
  for (int i = 0; i < 3; ++i)
    ch.push(i);
  // CHECK: :[[@LINE-1]]:5: warning: 'ch.push' can never complete: no other fiber receives from 'ch' before this push
  // CHECK: :[[@LINE-2]]:5: note: start the fiber that receives from 'ch' before the first send
}

void one_push_per_branch_ok(bool c) {
  buffered_channel<int> ch{2};
  if (c)
    ch.push(1);
  else
    ch.push(2);
  int v;
  ch.pop(v);
}

void try_and_timed_ok() {
  unbuffered_channel<int> u;
  u.push_wait_for(1, std::chrono::milliseconds(10));
  int v;
  u.pop_wait_for(v, std::chrono::milliseconds(10));
  buffered_channel<int> b{2};
  b.try_push(1);
  b.try_push(2);
  b.try_pop(v);
}

void closed_before_ok() {
  unbuffered_channel<int> ch;
  ch.close();
  ch.push(1);
  int v;
  ch.pop(v);
}

void closed_after_bad() {
  unbuffered_channel<int> ch;
  ch.push(1);
  // CHECK: :[[@LINE-1]]:3: warning: 'ch.push' can never complete: no other fiber receives from 'ch' before this push
  ch.close();
}
// FIX: ReplacementText: 'buffered_channel'
// FIX: ReplacementText: '{2}'

void start_consumer(unbuffered_channel<int> &ch);
void handed_to_call_ok() {
  unbuffered_channel<int> ch;
  start_consumer(ch);
  ch.push(1);
}

// Known miss: a member channel may be received from by any fiber that runs
// another method of the object, which the analysis does not follow.
struct Pipeline {
  unbuffered_channel<int> ch_;
  void FN_member_push_then_pop() {
    ch_.push(1);
    int v;
    ch_.pop(v);
  }
};
