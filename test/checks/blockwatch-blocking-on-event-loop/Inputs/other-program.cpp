// Another example program of the same database, with its own main.
#include <boost/asio.hpp>

int main() {
  boost::asio::io_context io;
  io.run();
}
