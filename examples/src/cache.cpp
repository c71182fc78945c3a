#include "kvcache/cache.h"

#include "kvcache/journal.h"
#include "kvcache/stats.h"

#include <iterator>

namespace kvcache {

Cache::Cache(Journal &journal, Stats &stats, std::size_t capacity,
             std::chrono::seconds ttl)
    : journal_(journal), stats_(stats), capacity_(capacity), ttl_(ttl) {}

std::optional<std::string> Cache::get(const std::string &key) {
  std::optional<std::string> found;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.expires > Clock::now())
      found = it->second.value;
  }
  // Counted after mu_ is released: the two mutexes are never nested here.
  if (found)
    stats_.record_hit();
  else
    stats_.record_miss();
  return found;
}

void Cache::put(const std::string &key, std::string value) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= capacity_ && entries_.find(key) == entries_.end())
    entries_.erase(entries_.begin());
  // Journal before the map changes, under the lock so that the journal's
  // order is the map's order.
  // Hazard: Journal::append ends in fsync(2), and every other get/put/size
  // waits on mu_ for as long as the disk takes.
  journal_.append("put", key, value);
  entries_[key] = Entry{std::move(value), Clock::now() + ttl_};
}

bool Cache::erase(const std::string &key) {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.erase(key) > 0;
}

std::size_t Cache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

std::size_t Cache::evict_expired() {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = Clock::now();
  std::size_t evicted = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.expires <= now) {
      it = entries_.erase(it);
      ++evicted;
    } else {
      ++it;
    }
  }
  // Hazard: takes Stats::mu_ while Cache::mu_ is held; Stats::render takes
  // them the other way round.
  if (evicted > 0)
    stats_.record_evictions(evicted);
  return evicted;
}

std::vector<std::pair<std::string, std::string>> Cache::snapshot() const {
  std::vector<std::pair<std::string, std::string>> live;
  const auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  live.reserve(entries_.size());
  for (const auto &[key, entry] : entries_)
    if (entry.expires > now)
      live.emplace_back(key, entry.value);
  return live;
}

} // namespace kvcache
