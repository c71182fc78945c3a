// Minimal declarations of the standard library APIs blockwatch's packs name,
// with the same qualified names as libstdc++, for fast tests.
#pragma once
typedef unsigned long size_t;
typedef long ssize_t;
namespace std {
using size_t = ::size_t;
template <class T> struct remove_reference { typedef T type; };
template <class T> struct remove_reference<T &> { typedef T type; };
template <class T> struct remove_reference<T &&> { typedef T type; };
template <class T> typename remove_reference<T>::type &&move(T &&t) noexcept {
  return static_cast<typename remove_reference<T>::type &&>(t);
}
template <class T> T &&forward(typename remove_reference<T>::type &t) noexcept {
  return static_cast<T &&>(t);
}
template <long long N, long long D = 1> struct ratio {};
namespace chrono {
// A literal type with the real period, so constant durations evaluate.
template <class R, class P = ratio<1>> struct duration {
  R r;
  constexpr duration(R x = 0) : r(x) {}
  constexpr R count() const { return r; }
};
using nanoseconds = duration<long long, ratio<1, 1000000000>>;
using microseconds = duration<long long, ratio<1, 1000000>>;
using milliseconds = duration<long long, ratio<1, 1000>>;
using seconds = duration<long long>;
template <class C, class D = int> struct time_point {};
struct steady_clock { static time_point<steady_clock> now(); };
} // namespace chrono
class mutex {
public:
  void lock();
  bool try_lock();
  void unlock();
};
class timed_mutex : public mutex {
public:
  template <class R, class P> bool try_lock_for(const chrono::duration<R, P> &);
};
class recursive_mutex {
public:
  void lock();
  bool try_lock();
  void unlock();
};
class shared_mutex {
public:
  void lock();
  bool try_lock();
  void unlock();
  void lock_shared();
  bool try_lock_shared();
  void unlock_shared();
};
struct defer_lock_t { explicit defer_lock_t() = default; };
struct try_to_lock_t { explicit try_to_lock_t() = default; };
struct adopt_lock_t { explicit adopt_lock_t() = default; };
inline constexpr defer_lock_t defer_lock{};
inline constexpr try_to_lock_t try_to_lock{};
inline constexpr adopt_lock_t adopt_lock{};
template <class M> class lock_guard {
public:
  explicit lock_guard(M &m) : m_(m) { m.lock(); }
  lock_guard(M &m, adopt_lock_t) : m_(m) {}
  ~lock_guard() { m_.unlock(); }
private:
  M &m_;
};
template <class M> class unique_lock {
public:
  unique_lock() = default;
  explicit unique_lock(M &m);
  unique_lock(M &m, defer_lock_t);
  unique_lock(M &m, try_to_lock_t);
  unique_lock(M &m, adopt_lock_t);
  unique_lock(unique_lock &&o);
  unique_lock &operator=(unique_lock &&o);
  ~unique_lock();
  void lock();
  bool try_lock();
  void unlock();
  M *release();
  bool owns_lock() const;
  explicit operator bool() const;
};
template <class M> class shared_lock {
public:
  explicit shared_lock(M &m);
  shared_lock(M &m, defer_lock_t);
  ~shared_lock();
  void lock();
  void unlock();
};
template <class... Ms> class scoped_lock {
public:
  explicit scoped_lock(Ms &...ms);
  ~scoped_lock();
};
template <class A, class B, class... C> void lock(A &, B &, C &...);
class condition_variable {
public:
  void wait(unique_lock<mutex> &lk);
  template <class P> void wait(unique_lock<mutex> &lk, P pred) { while (!pred()) wait(lk); }
  template <class R, class P>
  int wait_for(unique_lock<mutex> &lk, const chrono::duration<R, P> &d);
  void notify_one();
  void notify_all();
};
class thread {
public:
  thread() = default;
  template <class F, class... A> explicit thread(F &&f, A &&...a) {}
  ~thread();
  void join();
  void detach();
  bool joinable() const;
};
namespace this_thread {
template <class R, class P> void sleep_for(const chrono::duration<R, P> &d);
template <class C, class D> void sleep_until(const chrono::time_point<C, D> &t);
void yield() noexcept;
} // namespace this_thread
template <class T> class future {
public:
  T get();
  void wait() const;
  template <class R, class P> int wait_for(const chrono::duration<R, P> &) const;
  bool valid() const;
};
enum class launch { async = 1, deferred = 2 };
template <class F, class... A> future<int> async(launch, F &&f, A &&...a);
template <class F, class... A> future<int> async(F &&f, A &&...a) { return {}; }
template <class It, class F> F for_each(It b, It e, F f) { for (; b != e; ++b) f(*b); return f; }
template <class F, class... A> void invoke(F &&f, A &&...a) { f(a...); }
template <class R> class function;
template <class R, class... A> class function<R(A...)> {
public:
  function() = default;
  template <class F> function(F f);
  R operator()(A...) const;
};
template <class T> class vector {
public:
  void push_back(const T &);
  T *begin();
  T *end();
  void clear();
  size_t size() const;
};
int system(const char *);
} // namespace std
