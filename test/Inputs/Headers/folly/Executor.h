// Mock of folly/Executor.h: just enough for blockwatch tests.
#pragma once
#include <folly/Function.h>
namespace folly {
using Func = Function<void()>;
class Executor {
public:
  virtual ~Executor() = default;
  virtual void add(Func) = 0;
  template <typename ExecutorT = Executor> class KeepAlive {
  public:
    /* implicit */ KeepAlive(ExecutorT *executor) : ptr_(executor) {}
    ExecutorT *get() const { return ptr_; }
  private:
    ExecutorT *ptr_;
  };
  template <typename ExecutorT>
  static KeepAlive<ExecutorT> getKeepAliveToken(ExecutorT *executor) { return executor; }
};
template <typename ExecutorT>
Executor::KeepAlive<ExecutorT> getKeepAliveToken(ExecutorT *executor) { return executor; }
} // namespace folly
