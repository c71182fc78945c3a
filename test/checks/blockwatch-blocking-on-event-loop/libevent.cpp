// RUN: %tidy blockwatch-blocking-on-event-loop %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-on-event-loop %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// The real libevent headers (Debian libevent-dev).
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <pthread.h>
#include <unistd.h>

static struct event_base *base;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t g_counter_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_counter;

// Held across a sleep by some thread: the loop may wait behind it.
void *maintenance_thread(void *) {
  pthread_mutex_lock(&g_mu);
  sleep(5);
  pthread_mutex_unlock(&g_mu);
  return nullptr;
}

// Never held across a blocking call: taking it on the loop is fine.
static void counter_cb_ok(evutil_socket_t, short, void *) {
  pthread_mutex_lock(&g_counter_mu);
  ++g_counter;
  pthread_mutex_unlock(&g_counter_mu);
}

static void on_event_bad(evutil_socket_t, short, void *) {
  sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the libevent event_base's thread; this code runs in the callable passed to 'event_new' at libevent.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
  // CHECK: :[[@LINE-2]]:3: note: use a timer on the event loop instead
}

// evtimer_new and evsignal_new are macros over event_new.
static void on_timer_bad(evutil_socket_t, short, void *) {
  usleep(10);
  // CHECK: :[[@LINE-1]]:3: warning: 'usleep' blocks the libevent event_base's thread; this code runs in the callable passed to 'event_new' at libevent.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void on_signal_bad(evutil_socket_t, short, void *) {
  event_base_dispatch(base);
  // CHECK: :[[@LINE-1]]:3: warning: 'event_base_dispatch' blocks the libevent event_base's thread; this code runs in the callable passed to 'event_new' at libevent.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void on_assigned_bad(evutil_socket_t, short, void *) {
  event_base_loop(base, EVLOOP_ONCE);
  // CHECK: :[[@LINE-1]]:3: warning: 'event_base_loop' blocks the libevent event_base's thread; this code runs in the callable passed to 'event_assign' at libevent.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void on_once_bad(evutil_socket_t, short, void *) {
  pthread_mutex_lock(&g_mu);
  // CHECK: :[[@LINE-1]]:3: warning: locking 'g_mu' blocks the libevent event_base's thread; this code runs in the callable passed to 'event_base_once' at libevent.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
  // CHECK: note: 'g_mu' is held across 'sleep' here
  pthread_mutex_unlock(&g_mu);
}

static int lookup(const char *host) {
  struct evutil_addrinfo *ai = nullptr;
  return evutil_getaddrinfo(host, "80", nullptr, &ai);
  // CHECK: :[[@LINE-1]]:10: warning: 'evutil_getaddrinfo' blocks the libevent event_base's thread; this code runs in the callable passed to 'evhttp_set_cb' at libevent.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
  // CHECK: :[[@LINE-2]]:10: note: use evdns_getaddrinfo with a callback instead
}

static void on_request_bad(struct evhttp_request *, void *) { lookup("example.com"); }

static void on_any_request_bad(struct evhttp_request *, void *) {
  sleep(2);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the libevent event_base's thread; this code runs in the callable passed to 'evhttp_set_gencb' at libevent.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

// bufferevent_setcb: read, write and event callbacks all run on the base.
static void on_read_bad(struct bufferevent *, void *) {
  sleep(3);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the libevent event_base's thread; this code runs in the callable passed to 'bufferevent_setcb' at libevent.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}
static void on_bev_event_bad(struct bufferevent *, short, void *) {
  fsync(3);
  // CHECK: :[[@LINE-1]]:3: warning: 'fsync' blocks the libevent event_base's thread; this code runs in the callable passed to 'bufferevent_setcb' at libevent.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

// Non-blocking calls on the base stay silent.
static void on_write_ok(struct bufferevent *bev, void *) {
  bufferevent_write(bev, "x", 1);
  event_base_loop(base, EVLOOP_NONBLOCK);
  event_base_loopbreak(base);
}

static void on_accept_bad(struct evconnlistener *, evutil_socket_t fd, struct sockaddr *, int, void *) {
  struct bufferevent *bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
  bufferevent_setcb(bev, on_read_bad, on_write_ok, on_bev_event_bad, nullptr);
  bufferevent_enable(bev, EV_READ | EV_WRITE);
  sleep(4);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the libevent event_base's thread; this code runs in the callable passed to 'evconnlistener_new_bind' at libevent.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void on_listen_bad(struct evconnlistener *, evutil_socket_t, struct sockaddr *, int, void *) {
  sleep(5);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the libevent event_base's thread; this code runs in the callable passed to 'evconnlistener_new' at libevent.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

// A worker thread may block; it hands results back with event_active.
static struct event *done_event;
static void *worker_ok(void *) {
  lookup("example.org");
  sleep(6);
  event_active(done_event, EV_READ, 0);
  return nullptr;
}

int main() {
  base = event_base_new();
  // Before the loop runs: not on the loop.
  lookup("localhost");
  pthread_t t;
  pthread_create(&t, nullptr, worker_ok, nullptr);

  pthread_t m;
  pthread_create(&m, nullptr, maintenance_thread, nullptr);
  event_new(base, 1, EV_READ, counter_cb_ok, nullptr);
  struct event *ev = event_new(base, 0, EV_READ | EV_PERSIST, on_event_bad, nullptr);
  struct event *timer = evtimer_new(base, on_timer_bad, nullptr);
  struct event *sig = evsignal_new(base, 2, on_signal_bad, nullptr);
  static struct event assigned;
  event_assign(&assigned, base, 0, EV_READ, on_assigned_bad, nullptr);
  event_base_once(base, -1, EV_TIMEOUT, on_once_bad, nullptr, nullptr);
  struct evhttp *http = evhttp_new(base);
  evhttp_set_cb(http, "/lookup", on_request_bad, nullptr);
  evhttp_set_gencb(http, on_any_request_bad, nullptr);
  struct sockaddr_in sin = {};
  evconnlistener_new_bind(base, on_accept_bad, nullptr, LEV_OPT_REUSEABLE, -1,
                          (struct sockaddr *)&sin, sizeof sin);
  evconnlistener_new(base, on_listen_bad, nullptr, 0, -1, 3);
  (void)ev; (void)timer; (void)sig;
  return event_base_dispatch(base);
}
