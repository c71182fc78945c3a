// Mock of folly/io/async/EventBase.h: the real member names and signatures
// (EventBase is an Executor whose thread runs the loop).
#pragma once
#include <folly/Executor.h>
namespace folly {
class EventBase : public Executor {
public:
  using Func = folly::Function<void()>;
  class LoopCallback {
  public:
    virtual ~LoopCallback() = default;
    virtual void runLoopCallback() noexcept = 0;
  };
  bool loop();
  bool loopOnce(int flags = 0);
  void loopForever();
  void terminateLoopSoon();
  bool isInEventBaseThread() const;
  void runInLoop(LoopCallback *callback, bool thisIteration = false);
  void runInLoop(Func c, bool thisIteration = false);
  void runOnDestruction(Func f);
  void runInEventBaseThread(Func fn) noexcept;
  void runInEventBaseThreadAlwaysEnqueue(Func fn) noexcept;
  void runInEventBaseThreadAndWait(Func fn) noexcept;
  void runImmediatelyOrRunInEventBaseThread(Func fn) noexcept;
  void runImmediatelyOrRunInEventBaseThreadAndWait(Func fn) noexcept;
  void runAfterDelay(Func c, unsigned milliseconds);
  bool tryRunAfterDelay(Func c, unsigned milliseconds);
  void add(Func fn) override { runInEventBaseThread(static_cast<Func &&>(fn)); }
};
} // namespace folly
