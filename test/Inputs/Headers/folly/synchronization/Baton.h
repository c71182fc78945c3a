// Mock of folly/synchronization/Baton.h.
#pragma once
#include <chrono>
namespace folly {
template <bool MayBlock = true, class Atom = int> class Baton {
public:
  void post() noexcept;
  void wait() noexcept;
  bool try_wait() const noexcept;
  template <class Rep, class Period>
  bool try_wait_for(const std::chrono::duration<Rep, Period> &timeout) noexcept;
  bool ready() const noexcept;
};
} // namespace folly
