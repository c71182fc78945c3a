#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>;
// GCC's headers happen to bring it in, Clang's do not.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace kvcache {

class Cache;
class Journal;
class Stats;

struct Config {
  std::uint16_t port = 7379;
  std::string journal_path = "kvcache.journal";
  std::size_t capacity = 100000;
  std::chrono::seconds ttl{300};
  std::size_t max_requests_per_second = 1000;
  std::chrono::seconds sweep_interval{5};
  std::chrono::seconds snapshot_interval{60};
  /// Where the periodic replication pushes a snapshot; empty: no replication.
  std::string peer_host;
  std::string peer_port = "7379";
  std::chrono::seconds replication_interval{30};
};

/// Accepts connections and serves the line protocol
///   GET key | PUT key value | DEL key | STATS | SYNC | SNAPSHOT
/// with one coroutine per connection on the io_context. Disk work that may
/// take long is handed to the thread pool.
class Server {
public:
  Server(boost::asio::io_context &io, boost::asio::thread_pool &pool,
         Cache &cache, Journal &journal, Stats &stats, Config config);

  void start();
  void stop();

private:
  boost::asio::awaitable<void> listen();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
  std::string execute(std::string_view line);

  void session_opened();
  void session_closed();

  void schedule_sweep();
  void schedule_snapshot();
  void schedule_replication();
  void push_snapshot(boost::asio::ip::tcp::resolver::results_type endpoints);

  boost::asio::io_context &io_;
  boost::asio::thread_pool &pool_;
  Cache &cache_;
  Journal &journal_;
  Stats &stats_;
  const Config config_;

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer sweep_timer_;
  boost::asio::steady_timer snapshot_timer_;
  boost::asio::steady_timer replication_timer_;

  std::mutex sessions_mu_;
  std::size_t open_sessions_ = 0;
};

} // namespace kvcache
