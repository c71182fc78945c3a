// Mock of folly/Function.h: just enough for blockwatch tests.
#pragma once
#include <bw_mock_std.h>
namespace folly {
template <class Sig> class Function;
template <class R, class... A> class Function<R(A...)> {
public:
  Function() = default;
  template <class F> /* implicit */ Function(F f) {}
  R operator()(A...);
};
} // namespace folly
