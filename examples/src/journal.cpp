#include "kvcache/journal.h"

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace kvcache {

namespace {
[[noreturn]] void fail(const std::string &what) {
  throw std::system_error(errno, std::generic_category(), what);
}
} // namespace

Journal::Journal(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0)
    fail("open " + path_);
}

Journal::~Journal() {
  if (fd_ >= 0)
    ::close(fd_);
}

void Journal::write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      fail("write " + path_);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void Journal::append(std::string_view op, std::string_view key,
                     std::string_view value) {
  std::string record;
  record.reserve(op.size() + key.size() + value.size() + 3);
  record.append(op).append(" ").append(key).append(" ").append(value);
  record.push_back('\n');
  write_all(fd_, record);
  sync();
}

void Journal::sync() {
  if (::fsync(fd_) != 0)
    fail("fsync " + path_);
}

void Journal::write_snapshot(
    const std::vector<std::pair<std::string, std::string>> &live) {
  const std::string tmp = path_ + ".snapshot.tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    fail("open " + tmp);
  for (const auto &[key, value] : live) {
    std::string line = "put " + key + " " + value + "\n";
    write_all(fd, line);
  }
  if (::fsync(fd) != 0)
    fail("fsync " + tmp);
  ::close(fd);
  if (::rename(tmp.c_str(), (path_ + ".snapshot").c_str()) != 0)
    fail("rename " + tmp);
}

} // namespace kvcache
