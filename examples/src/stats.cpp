#include "kvcache/stats.h"

#include "kvcache/cache.h"

namespace kvcache {

void Stats::record_hit() {
  std::lock_guard<std::mutex> lock(mu_);
  ++hits_;
}

void Stats::record_miss() {
  std::lock_guard<std::mutex> lock(mu_);
  ++misses_;
}

void Stats::record_evictions(std::size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  evictions_ += n;
}

void Stats::record_connection() {
  std::lock_guard<std::mutex> lock(mu_);
  ++connections_;
}

std::string Stats::render(const Cache &cache) const {
  std::lock_guard<std::mutex> lock(mu_);
  // Hazard: Cache::size takes Cache::mu_ while Stats::mu_ is held, the
  // opposite of Cache::evict_expired. A STATS request racing the sweeper on
  // the thread pool deadlocks both.
  std::string out;
  out += "entries " + std::to_string(cache.size()) + "\n";
  out += "hits " + std::to_string(hits_) + "\n";
  out += "misses " + std::to_string(misses_) + "\n";
  out += "evictions " + std::to_string(evictions_) + "\n";
  out += "connections " + std::to_string(connections_) + "\n";
  return out;
}

} // namespace kvcache
