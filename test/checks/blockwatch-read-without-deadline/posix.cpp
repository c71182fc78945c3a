// RUN: %tidy blockwatch-read-without-deadline %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-read-without-deadline %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
#include <sys/socket.h>
#include <poll.h>
#include <unistd.h>
#include <fcntl.h>

void set_receive_timeout(int fd) {
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

void accept_then_recv_bad(int lfd) {
  int c = accept(lfd, nullptr, nullptr);
  char buf[64];
  recv(c, buf, sizeof buf, 0);
  // CHECK: :[[@LINE-1]]:3: warning: 'recv' on 'c' has no deadline: a silent peer blocks this thread forever; set SO_RCVTIMEO or poll with a timeout first [blockwatch-read-without-deadline]
  // CHECK: :[[@LINE-2]]:3: note: for example: struct timeval tv{30, 0}; setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

void rcvtimeo_ok(int lfd) {
  int c = accept(lfd, nullptr, nullptr);
  timeval tv{30, 0};
  setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[64];
  recv(c, buf, sizeof buf, 0);
}

void timeout_in_helper_ok(int lfd) {
  int c = accept(lfd, nullptr, nullptr);
  set_receive_timeout(c);
  char buf[64];
  recv(c, buf, sizeof buf, 0);
}

void timeout_on_other_fd_bad(int lfd, int other) {
  int c = accept(lfd, nullptr, nullptr);
  set_receive_timeout(other);
  char buf[64];
  recv(c, buf, sizeof buf, 0);
  // CHECK: :[[@LINE-1]]:3: warning: 'recv' on 'c' has no deadline
}

void timeout_on_one_path_bad(int lfd, bool slow_peer) {
  int c = accept(lfd, nullptr, nullptr);
  if (slow_peer)
    set_receive_timeout(c);
  char buf[64];
  recv(c, buf, sizeof buf, 0);
  // CHECK: :[[@LINE-1]]:3: warning: 'recv' on 'c' has no deadline
}

void poll_first_ok(int lfd) {
  int c = accept(lfd, nullptr, nullptr);
  pollfd p{c, POLLIN, 0};
  if (poll(&p, 1, 5000) <= 0)
    return;
  char buf[64];
  recv(c, buf, sizeof buf, 0);
}

void poll_forever_bad(int lfd) {
  int c = accept(lfd, nullptr, nullptr);
  pollfd p{c, POLLIN, 0};
  poll(&p, 1, -1);
  char buf[64];
  recv(c, buf, sizeof buf, 0);
  // CHECK: :[[@LINE-1]]:3: warning: 'recv' on 'c' has no deadline
}

void nonblocking_ok(int lfd) {
  int c = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK);
  char buf[64];
  recv(c, buf, sizeof buf, 0);
  int d = accept(lfd, nullptr, nullptr);
  fcntl(d, F_SETFL, fcntl(d, F_GETFL) | O_NONBLOCK);
  read(d, buf, sizeof buf);
}

void dontwait_ok(int lfd) {
  int c = accept(lfd, nullptr, nullptr);
  char buf[64];
  recv(c, buf, sizeof buf, MSG_DONTWAIT);
}

// read() on a socket from socket(): reported; on any other descriptor: not.
void read_socket_bad() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  char buf[8];
  read(s, buf, sizeof buf);
  // CHECK: :[[@LINE-1]]:3: warning: 'read' on 's' has no deadline
}
void read_file_ok(int fd) {
  char buf[8];
  read(fd, buf, sizeof buf);
}

// The socket comes from the caller: reported where it is read, with the
// caller that passed it without a deadline.
void read_frame(int fd, char *buf) {
  recv(fd, buf, 4, 0);
  // CHECK: :[[@LINE-1]]:3: warning: 'recv' on 'fd' has no deadline
  // CHECK: note: 'serve_bad' passes a socket with no deadline to 'read_frame'
}
void serve_bad(int lfd) {
  int c = accept(lfd, nullptr, nullptr);
  char buf[8];
  read_frame(c, buf);
}
void read_frame_bounded(int fd, char *buf) { recv(fd, buf, 4, 0); }
void serve_ok(int lfd) {
  int c = accept(lfd, nullptr, nullptr);
  set_receive_timeout(c);
  char buf[8];
  read_frame_bounded(c, buf);
}

// Waiting for the next client is what an acceptor is for: no peer can go
// silent. (A blocking accept on a loop thread is blocking-on-event-loop's.)
void acceptor_ok() {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  accept(l, nullptr, nullptr);
}

// recvfrom is how UDP servers wait for any client; recv stays covered.
void udp_style_bad(char *buf) {
  int s = socket(AF_INET, 2 /* SOCK_DGRAM */, 0);
  recv(s, buf, 64, 0);
  // CHECK: :[[@LINE-1]]:3: warning: 'recv' on 's' has no deadline
}
