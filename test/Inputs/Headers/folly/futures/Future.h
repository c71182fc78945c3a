// Mock of folly/futures/Future.h.
#pragma once
#include <folly/Executor.h>
namespace folly {
struct Unit {};
template <class T> class Future;
template <class T> class SemiFuture {
public:
  T get() &&;
  SemiFuture &wait() &;
  Future<T> via(Executor::KeepAlive<> executor) &&;
};
template <class T> class Future {
public:
  T get() &&;
  Future &wait() &;
  bool isReady() const;
  template <class F> Future<Unit> thenValue(F &&f) && { return {}; }
  SemiFuture<T> semi() &&;
};
Future<Unit> via(Executor::KeepAlive<> executor);
template <class Func> Future<Unit> via(Executor::KeepAlive<> x, Func &&func) { return {}; }
template <class T> Future<T> makeFuture(T &&t);
} // namespace folly
