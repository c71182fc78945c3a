#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kvcache {

class Journal;
class Stats;

/// The in-memory store. Every write goes to the journal; entries expire after
/// a fixed time to live. Safe to use from several threads.
class Cache {
public:
  using Clock = std::chrono::steady_clock;

  Cache(Journal &journal, Stats &stats, std::size_t capacity,
        std::chrono::seconds ttl);

  std::optional<std::string> get(const std::string &key);
  void put(const std::string &key, std::string value);
  bool erase(const std::string &key);
  std::size_t size() const;

  /// Drops expired entries; returns how many went.
  std::size_t evict_expired();

  /// A copy of the live entries, for snapshots and replication.
  std::vector<std::pair<std::string, std::string>> snapshot() const;

private:
  struct Entry {
    std::string value;
    Clock::time_point expires;
  };

  Journal &journal_;
  Stats &stats_;
  const std::size_t capacity_;
  const std::chrono::seconds ttl_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

} // namespace kvcache
