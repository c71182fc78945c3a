// RUN: %tidy blockwatch-blocking-on-event-loop %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-on-event-loop %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// The real libuv headers (Debian libuv1-dev).
#include <uv.h>
#include <unistd.h>
#include <netdb.h>

static uv_loop_t *loop;
static uv_mutex_t g_mu;
static uv_cond_t g_cv;
static uv_sem_t g_sem;
static uv_barrier_t g_barrier;
static uv_thread_t g_thread;

static void alloc_ok(uv_handle_t *, size_t, uv_buf_t *) {}

static void read_bad(uv_stream_t *, ssize_t, const uv_buf_t *) {
  sleep(1);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_read_start' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void flush_to_disk(int fd) { fsync(fd); }
// CHECK: :[[@LINE-1]]:37: warning: 'fsync' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_queue_work' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
// CHECK: :[[@LINE-2]]:37: warning: 'fsync' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_write' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]

static void write_bad(uv_write_t *, int) { flush_to_disk(3); }

// A worker holds g_mu across a disk flush, so the loop can wait behind it.
static void journal_worker(void *) {
  uv_mutex_lock(&g_mu);
  fsync(4);
  uv_mutex_unlock(&g_mu);
}

// Never held across anything that blocks: taking it on the loop is fine.
static uv_mutex_t g_counter_mu;
static int g_counter;
static void idle_counter_ok(uv_idle_t *) {
  uv_mutex_lock(&g_counter_mu);
  ++g_counter;
  uv_mutex_unlock(&g_counter_mu);
}

static void connection_bad(uv_stream_t *, int) {
  uv_mutex_lock(&g_mu);
  // CHECK: :[[@LINE-1]]:3: warning: locking 'g_mu' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_listen' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
  // CHECK: note: 'g_mu' is held across 'fsync' here
  uv_cond_wait(&g_cv, &g_mu);
  // CHECK: :[[@LINE-1]]:3: warning: 'uv_cond_wait' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_listen' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
  uv_mutex_unlock(&g_mu);
}

static void timer_bad(uv_timer_t *) {
  uv_sleep(10);
  // CHECK: :[[@LINE-1]]:3: warning: 'uv_sleep' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_timer_start' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
  // CHECK: :[[@LINE-2]]:3: note: use a uv_timer_t instead
}

static void idle_bad(uv_idle_t *) {
  uv_thread_join(&g_thread);
  // CHECK: :[[@LINE-1]]:3: warning: 'uv_thread_join' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_idle_start' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void check_bad(uv_check_t *) {
  uv_sem_wait(&g_sem);
  // CHECK: :[[@LINE-1]]:3: warning: 'uv_sem_wait' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_check_start' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void prepare_bad(uv_prepare_t *) {
  uv_barrier_wait(&g_barrier);
  // CHECK: :[[@LINE-1]]:3: warning: 'uv_barrier_wait' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_prepare_start' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void poll_bad(uv_poll_t *, int, int) {
  char buf[16];
  read(0, buf, sizeof buf);
  // CHECK: :[[@LINE-1]]:3: warning: 'read' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_poll_start' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void async_bad(uv_async_t *) {
  uv_run(loop, UV_RUN_DEFAULT);
  // CHECK: :[[@LINE-1]]:3: warning: 'uv_run' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_async_init' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void signal_bad(uv_signal_t *, int) {
  usleep(100);
  // CHECK: :[[@LINE-1]]:3: warning: 'usleep' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_signal_start' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void fs_open_bad(uv_fs_t *) {
  char buf[16];
  pread(3, buf, sizeof buf, 0);
  // CHECK: :[[@LINE-1]]:3: warning: 'pread' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_fs_open' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void resolved_bad(uv_getaddrinfo_t *, int, struct addrinfo *) {
  struct addrinfo *ai;
  getaddrinfo("example.com", "80", nullptr, &ai);
  // CHECK: :[[@LINE-1]]:3: warning: 'getaddrinfo' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_getaddrinfo' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void closed_bad(uv_handle_t *) {
  sleep(2);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_close' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void shutdown_bad(uv_shutdown_t *, int) {
  sleep(3);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_shutdown' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void connected_bad(uv_connect_t *, int) {
  sleep(4);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_tcp_connect' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void udp_recv_bad(uv_udp_t *, ssize_t, const uv_buf_t *, const struct sockaddr *, unsigned) {
  sleep(5);
  // CHECK: :[[@LINE-1]]:3: warning: 'sleep' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_udp_recv_start' at libuv.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

// uv_queue_work: the work callback runs on the thread pool, the after-work
// callback back on the loop.
static void work_ok(uv_work_t *) {
  sleep(6);
  flush_to_disk(4);
}
static void after_work_bad(uv_work_t *, int) { flush_to_disk(5); }

static void thread_ok(void *) { sleep(7); }

static void fs_done_ok(uv_fs_t *) {}

// Non-blocking forms on the loop stay silent: asynchronous fs requests,
// UV_RUN_NOWAIT, try-locks, uv_async_send and starting more work.
static void nonblocking_ok(uv_timer_t *t) {
  static uv_fs_t req;
  static uv_work_t work;
  static uv_async_t async;
  uv_fs_fsync(loop, &req, 3, fs_done_ok);
  uv_run(loop, UV_RUN_NOWAIT);
  if (uv_mutex_trylock(&g_mu) == 0)
    uv_mutex_unlock(&g_mu);
  uv_async_send(&async);
  uv_queue_work(loop, &work, work_ok, nullptr);
  uv_thread_create(&g_thread, thread_ok, nullptr);
  uv_timer_stop(t);
}

// Called only from main, before the loop runs.
static void setup_ok() {
  sleep(8);
  flush_to_disk(6);
  uv_mutex_lock(&g_mu);
  uv_mutex_unlock(&g_mu);
}

int main() {
  loop = uv_default_loop();
  setup_ok();
  static uv_tcp_t server, client, conn;
  static uv_timer_t timer, timer2;
  static uv_idle_t idle;
  static uv_check_t check;
  static uv_prepare_t prepare;
  static uv_poll_t poll;
  static uv_async_t async;
  static uv_signal_t sig;
  static uv_udp_t udp;
  static uv_fs_t open_req;
  static uv_getaddrinfo_t gai;
  static uv_shutdown_t shut;
  static uv_connect_t connect_req;
  static uv_write_t write_req;
  static uv_work_t work;
  static struct sockaddr_in addr;
  uv_buf_t buf = uv_buf_init(nullptr, 0);

  uv_read_start((uv_stream_t *)&client, alloc_ok, read_bad);
  uv_write(&write_req, (uv_stream_t *)&client, &buf, 1, write_bad);
  uv_listen((uv_stream_t *)&server, 128, connection_bad);
  uv_timer_start(&timer, timer_bad, 10, 0);
  uv_timer_start(&timer2, nonblocking_ok, 10, 0);
  uv_idle_start(&idle, idle_bad);
  uv_check_start(&check, check_bad);
  uv_prepare_start(&prepare, prepare_bad);
  uv_poll_start(&poll, UV_READABLE, poll_bad);
  uv_async_init(loop, &async, async_bad);
  uv_signal_start(&sig, signal_bad, 2);
  uv_fs_open(loop, &open_req, "/tmp/x", 0, 0, fs_open_bad);
  uv_getaddrinfo(loop, &gai, resolved_bad, "example.com", "80", nullptr);
  uv_close((uv_handle_t *)&conn, closed_bad);
  uv_shutdown(&shut, (uv_stream_t *)&client, shutdown_bad);
  uv_tcp_connect(&connect_req, &client, (const struct sockaddr *)&addr, connected_bad);
  uv_udp_recv_start(&udp, alloc_ok, udp_recv_bad);
  uv_queue_work(loop, &work, work_ok, after_work_bad);
  static uv_idle_t idle2;
  uv_idle_start(&idle2, idle_counter_ok);
  static uv_thread_t journal;
  uv_thread_create(&journal, journal_worker, nullptr);
  return uv_run(loop, UV_RUN_DEFAULT);
}
