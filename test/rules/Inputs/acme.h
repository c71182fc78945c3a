// A made-up in-house platform that no built-in rule pack knows: the tests
// in test/rules/ teach it to blockwatch with user packs, one directive at a
// time.
#pragma once

namespace acme {

class Reactor {
public:
  template <class F> void post(F f) { f(); }
  template <class F> void on_readable(int fd, F cb) { cb(fd); }
  void run();
};

class Pool {
public:
  template <class F> void submit(F f) { f(); }
};

// A task type for C++20 coroutines (see coro.h) and a stackful-coroutine
// handle passed as a parameter.
struct YieldCtx {};

class SpinMutex {
public:
  void acquire();
  void release();
  bool try_acquire();
};

class SpinGuard {
public:
  explicit SpinGuard(SpinMutex &m);
  ~SpinGuard();
};

void lock_mutex(SpinMutex *m);
void unlock_mutex(SpinMutex *m);

template <class F> void run_inline(F f) { f(); }
template <class F> void run_later(F f) { static int n; ++n; }
template <class F> F wrap(F f) { return f; }

int open_channel(int flags);
int set_mode(int fd, int mode);
int channel_read(int fd, char *buf, int n);

namespace kv {
struct Options {};
struct FastPath {};
class Client {
public:
  int get(const char *key);
  int get_async(const char *key);
  bool wait(int timeout_ms);
  int read(int fd, int flags);
  int fetch(const char *key, Options o);
  int fetch(const char *key, FastPath o);
  int sync(int timeout_ms = -1);
};
void pause(int ms);
void yield_now();
} // namespace kv

} // namespace acme
