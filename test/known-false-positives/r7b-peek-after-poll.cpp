// Known false positive R7b (docs/real-code.md): cpp-httplib's
// is_socket_alive. The MSG_PEEK recv runs only after a zero-timeout poll said
// the socket is readable, so it returns at once; blocking-under-lock does not
// know readiness waits yet. Expected to fail until it does: lit then reports
// XPASS and the XFAIL line goes.
// XFAIL: *
// RUN: %bw-text blockwatch-blocking-under-lock %s -- -std=c++17 > %t.txt
// RUN: not grep warning: %t.txt
#include <mutex>
#include <poll.h>
#include <sys/socket.h>
std::mutex mu;
bool alive(int fd) {
  std::lock_guard<std::mutex> g(mu);
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 0) == 0)
    return true;
  char b;
  return recv(fd, &b, 1, MSG_PEEK) > 0;
}
