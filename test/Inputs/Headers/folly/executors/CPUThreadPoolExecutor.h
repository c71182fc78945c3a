// Mock of folly/executors/CPUThreadPoolExecutor.h.
#pragma once
#include <folly/Executor.h>
namespace folly {
class ThreadPoolExecutor : public Executor {
public:
  void join();
  void stop();
};
class CPUThreadPoolExecutor : public ThreadPoolExecutor {
public:
  explicit CPUThreadPoolExecutor(unsigned numThreads);
  void add(Func func) override;
};
} // namespace folly
