// Mock of seastar/core/smp.hh.
#pragma once
#include <seastar/core/future.hh>
namespace seastar {
using shard_id = unsigned;
class smp {
public:
  template <typename Func> static future<> submit_to(unsigned t, Func &&func) noexcept { return {}; }
  template <typename Func> static future<> invoke_on_all(Func &&func) noexcept { return {}; }
  template <typename Func> static future<> invoke_on_others(Func &&func) noexcept { return {}; }
  static unsigned count;
};
} // namespace seastar
