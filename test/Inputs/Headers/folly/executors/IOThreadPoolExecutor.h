// Mock of folly/executors/IOThreadPoolExecutor.h: each thread runs an
// EventBase loop.
#pragma once
#include <folly/executors/CPUThreadPoolExecutor.h>
#include <folly/io/async/EventBase.h>
namespace folly {
class IOThreadPoolExecutor : public ThreadPoolExecutor {
public:
  explicit IOThreadPoolExecutor(unsigned numThreads);
  void add(Func func) override;
  EventBase *getEventBase();
};
} // namespace folly
