#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kvcache {

/// Append-only log of mutations, one "op key value" line per change, so that
/// a restarted server can rebuild its cache.
class Journal {
public:
  explicit Journal(std::string path);
  ~Journal();
  Journal(const Journal &) = delete;
  Journal &operator=(const Journal &) = delete;

  /// Appends one record and makes it durable (write(2) then fsync(2)).
  void append(std::string_view op, std::string_view key,
              std::string_view value);

  /// Forces every record written so far to disk.
  void sync();

  /// Writes the live entries to "<path>.snapshot" and fsyncs it; replaying
  /// the journal can then start from the snapshot.
  void write_snapshot(
      const std::vector<std::pair<std::string, std::string>> &live);

private:
  void write_all(int fd, std::string_view data);

  std::string path_;
  int fd_ = -1;
};

} // namespace kvcache
