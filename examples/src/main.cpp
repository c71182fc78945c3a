// kvcache: a key-value cache server.
//
//   kvcache [--port N] [--journal PATH] [--peer HOST[:PORT]] [--threads N]
//
// Talk to it with e.g. `printf 'PUT a 1\nGET a\nSTATS\n' | nc -q1 localhost 7379`.
#include "kvcache/cache.h"
#include "kvcache/journal.h"
#include "kvcache/server.h"
#include "kvcache/stats.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

int usage() {
  std::fprintf(stderr, "usage: kvcache [--port N] [--journal PATH] "
                       "[--peer HOST[:PORT]] [--threads N]\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  kvcache::Config config;
  unsigned io_threads = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (i + 1 >= argc)
      return usage();
    std::string value = argv[++i];
    if (arg == "--port") {
      config.port = static_cast<std::uint16_t>(std::stoi(value));
    } else if (arg == "--journal") {
      config.journal_path = value;
    } else if (arg == "--peer") {
      auto colon = value.rfind(':');
      config.peer_host = value.substr(0, colon);
      if (colon != std::string::npos)
        config.peer_port = value.substr(colon + 1);
    } else if (arg == "--threads") {
      io_threads = static_cast<unsigned>(std::max(1, std::stoi(value)));
    } else {
      return usage();
    }
  }

  try {
    boost::asio::io_context io;
    boost::asio::thread_pool pool(2);
    kvcache::Journal journal(config.journal_path);
    kvcache::Stats stats;
    kvcache::Cache cache(journal, stats, config.capacity, config.ttl);
    kvcache::Server server(io, pool, cache, journal, stats, config);
    server.start();

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) {
      server.stop();
      io.stop();
    });

    std::fprintf(stderr, "kvcache: listening on port %u\n",
                 static_cast<unsigned>(config.port));
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < io_threads; ++i)
      threads.emplace_back([&io] { io.run(); });
    io.run();
    for (auto &t : threads)
      t.join();
    pool.join();
  } catch (const std::exception &e) {
    std::fprintf(stderr, "kvcache: %s\n", e.what());
    return 1;
  }
  return 0;
}
