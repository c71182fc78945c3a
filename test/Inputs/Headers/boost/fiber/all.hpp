// Minimal Boost.Fiber shapes (qualified names as in Boost 1.81) for fast tests.
#pragma once
#include "../../bw_mock_std.h"
namespace boost {
namespace fibers {
enum class launch { post, dispatch };
class fiber {
public:
  fiber() = default;
  template <class F, class... A> explicit fiber(F &&f, A &&...a) {}
  template <class F, class... A> fiber(launch, F &&f, A &&...a);
  ~fiber();
  void join();
  void detach();
};
class mutex {
public:
  void lock();
  bool try_lock();
  void unlock();
};
class condition_variable {
public:
  void wait(std::unique_lock<mutex> &);
  void notify_one();
};
template <class T> class future {
public:
  T get();
};
template <class F, class... A> future<int> async(F &&f, A &&...a) { return {}; }
template <class T> class buffered_channel {
public:
  explicit buffered_channel(unsigned long capacity);
  int push(const T &);
  int pop(T &);
  int try_push(const T &);
  int try_pop(T &);
  void close();
};
template <class T> class unbuffered_channel {
public:
  int push(const T &);
  int pop(T &);
  void close();
};
} // namespace fibers
namespace this_fiber {
template <class R, class P> void sleep_for(const std::chrono::duration<R, P> &);
void yield() noexcept;
} // namespace this_fiber
} // namespace boost
