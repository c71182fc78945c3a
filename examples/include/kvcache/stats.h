#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

namespace kvcache {

class Cache;

/// Counters shared by every session and the background jobs.
class Stats {
public:
  void record_hit();
  void record_miss();
  void record_evictions(std::size_t n);
  void record_connection();

  /// The reply to the STATS command.
  std::string render(const Cache &cache) const;

private:
  mutable std::mutex mu_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
  std::uint64_t evictions_ = 0;
  std::uint64_t connections_ = 0;
};

} // namespace kvcache
