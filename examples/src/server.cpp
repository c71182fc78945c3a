#include "kvcache/server.h"

#include "kvcache/cache.h"
#include "kvcache/journal.h"
#include "kvcache/stats.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <cstdio>
#include <memory>
#include <thread>

namespace kvcache {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

/// Splits "VERB rest" into the verb and what follows the first space.
std::pair<std::string_view, std::string_view> split(std::string_view s) {
  auto space = s.find(' ');
  if (space == std::string_view::npos)
    return {s, {}};
  return {s.substr(0, space), s.substr(space + 1)};
}

} // namespace

Server::Server(asio::io_context &io, asio::thread_pool &pool, Cache &cache,
               Journal &journal, Stats &stats, Config config)
    : io_(io), pool_(pool), cache_(cache), journal_(journal), stats_(stats),
      config_(std::move(config)), acceptor_(io), sweep_timer_(io),
      snapshot_timer_(io), replication_timer_(io) {}

void Server::start() {
  tcp::endpoint endpoint(tcp::v4(), config_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  asio::co_spawn(io_, listen(), asio::detached);
  schedule_sweep();
  schedule_snapshot();
  if (!config_.peer_host.empty())
    schedule_replication();
}

void Server::stop() {
  acceptor_.close();
  sweep_timer_.cancel();
  snapshot_timer_.cancel();
  replication_timer_.cancel();
}

asio::awaitable<void> Server::listen() {
  while (acceptor_.is_open()) {
    tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
    asio::co_spawn(io_, session(std::move(socket)), asio::detached);
  }
}

void Server::session_opened() {
  // Server::sessions_mu_ then Stats::mu_, here and in session_closed: one
  // order everywhere, so no deadlock.
  std::lock_guard<std::mutex> lock(sessions_mu_);
  ++open_sessions_;
  stats_.record_connection();
}

void Server::session_closed() {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  --open_sessions_;
}

asio::awaitable<void> Server::session(tcp::socket socket) {
  session_opened();
  std::string buffer;
  auto window_start = std::chrono::steady_clock::now();
  std::size_t requests_in_window = 0;
  try {
    for (;;) {
      std::size_t n = co_await asio::async_read_until(
          socket, asio::dynamic_buffer(buffer), '\n', asio::use_awaitable);
      std::string line = buffer.substr(0, n - 1);
      buffer.erase(0, n);

      auto now = std::chrono::steady_clock::now();
      if (now - window_start >= std::chrono::seconds(1)) {
        window_start = now;
        requests_in_window = 0;
      }
      if (++requests_in_window > config_.max_requests_per_second) {
        // Hazard: meant to slow down one flooding client, this stops the
        // io_context thread, and every other connection with it.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }

      std::string reply = execute(line);
      co_await asio::async_write(socket, asio::buffer(reply),
                                 asio::use_awaitable);
    }
  } catch (const boost::system::system_error &) {
    // The client went away.
  }
  session_closed();
}

std::string Server::execute(std::string_view line) {
  auto [verb, rest] = split(line);
  if (verb == "GET") {
    auto value = cache_.get(std::string(rest));
    return value ? "VALUE " + *value + "\n" : "NOT_FOUND\n";
  }
  if (verb == "PUT") {
    auto [key, value] = split(rest);
    if (key.empty())
      return "ERROR usage: PUT key value\n";
    // Hazard: Cache::put writes and fsyncs the journal on the io_context
    // thread.
    cache_.put(std::string(key), std::string(value));
    return "STORED\n";
  }
  if (verb == "DEL") {
    std::string key(rest);
    if (!cache_.erase(key))
      return "NOT_FOUND\n";
    // The journal record is written on the thread pool; the loop moves on.
    asio::post(pool_, [this, key] { journal_.append("del", key, {}); });
    return "DELETED\n";
  }
  if (verb == "STATS")
    return stats_.render(cache_);
  if (verb == "SYNC") {
    // Hazard: fsync(2) on the io_context thread, through Journal::sync.
    journal_.sync();
    return "SYNCED\n";
  }
  if (verb == "SNAPSHOT") {
    asio::post(pool_, [this] { journal_.write_snapshot(cache_.snapshot()); });
    return "SNAPSHOT_STARTED\n";
  }
  return "ERROR unknown command\n";
}

void Server::schedule_sweep() {
  sweep_timer_.expires_after(config_.sweep_interval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec)
      return;
    asio::post(pool_, [this] { cache_.evict_expired(); });
    schedule_sweep();
  });
}

void Server::schedule_snapshot() {
  snapshot_timer_.expires_after(config_.snapshot_interval);
  snapshot_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec)
      return;
    // Writing and fsyncing the snapshot happens on the pool.
    asio::post(pool_, [this] { journal_.write_snapshot(cache_.snapshot()); });
    schedule_snapshot();
  });
}

void Server::schedule_replication() {
  replication_timer_.expires_after(config_.replication_interval);
  replication_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec)
      return;
    // The peer sits behind DNS and may move, so resolve it every round.
    // Hazard: a synchronous lookup inside a completion handler; a slow DNS
    // server stalls every session on this io_context.
    tcp::resolver resolver(io_);
    auto endpoints =
        resolver.resolve(config_.peer_host, config_.peer_port, ec);
    if (!ec)
      push_snapshot(std::move(endpoints));
    schedule_replication();
  });
}

void Server::push_snapshot(tcp::resolver::results_type endpoints) {
  auto socket = std::make_shared<tcp::socket>(io_);
  auto payload = std::make_shared<std::string>();
  for (const auto &[key, value] : cache_.snapshot())
    *payload += "PUT " + key + " " + value + "\n";
  asio::async_connect(
      *socket, endpoints,
      [socket, payload](boost::system::error_code ec, const tcp::endpoint &) {
        if (ec) {
          std::fprintf(stderr, "replication: connect: %s\n",
                       ec.message().c_str());
          return;
        }
        asio::async_write(*socket, asio::buffer(*payload),
                          [socket, payload](boost::system::error_code ec,
                                            std::size_t) {
                            if (ec)
                              std::fprintf(stderr, "replication: write: %s\n",
                                           ec.message().c_str());
                          });
      });
}

} // namespace kvcache
