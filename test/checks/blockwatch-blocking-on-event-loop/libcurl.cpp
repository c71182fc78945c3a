// RUN: %tidy blockwatch-blocking-on-event-loop %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-blocking-on-event-loop %s -- -std=c++20 | FileCheck %s --implicit-check-not='warning:'
// The real libcurl headers (Debian libcurl4-openssl-dev), used from libuv
// callbacks (real headers too).
#include <curl/curl.h>
#include <uv.h>

static CURLM *multi;

static void fetch(const char *url) {
  CURL *easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, url);
  curl_easy_perform(easy);
  // CHECK: :[[@LINE-1]]:3: warning: 'curl_easy_perform' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_timer_start' at libcurl.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
  // CHECK: :[[@LINE-2]]:3: note: use curl_multi_add_handle and curl_multi_socket_action driven by the event loop (CURLMOPT_SOCKETFUNCTION and CURLMOPT_TIMERFUNCTION) instead
  curl_easy_cleanup(easy);
}

static void poll_bad(uv_timer_t *) {
  int running = 0, numfds = 0;
  curl_multi_perform(multi, &running);
  curl_multi_wait(multi, nullptr, 0, 1000, &numfds);
  // CHECK: :[[@LINE-1]]:3: warning: 'curl_multi_wait' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_timer_start' at libcurl.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
  curl_multi_poll(multi, nullptr, 0, 1000, &numfds);
  // CHECK: :[[@LINE-1]]:3: warning: 'curl_multi_poll' blocks the libuv loop's thread; this code runs in the callable passed to 'uv_timer_start' at libcurl.cpp:{{[0-9]+}} [blockwatch-blocking-on-event-loop]
}

static void fetch_bad(uv_timer_t *) { fetch("https://example.com/"); }

// The multi interface driven by the loop never waits; a zero timeout
// returns at once.
static void drive_ok(uv_timer_t *) {
  int running = 0, numfds = 0;
  CURL *easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, "https://example.com/");
  curl_multi_add_handle(multi, easy);
  curl_multi_perform(multi, &running);
  curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
  curl_multi_wait(multi, nullptr, 0, 0, &numfds);
  curl_multi_poll(multi, nullptr, 0, 0, &numfds);
  int queued = 0;
  if (CURLMsg *msg = curl_multi_info_read(multi, &queued))
    curl_multi_remove_handle(multi, msg->easy_handle);
}

// On the thread pool, a synchronous transfer is fine.
static void work_ok(uv_work_t *) { fetch("https://example.org/"); }
static void after_ok(uv_work_t *, int) {}

int main() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  multi = curl_multi_init();
  // Before the loop runs: not on the loop.
  fetch("https://example.net/");
  uv_loop_t *loop = uv_default_loop();
  static uv_timer_t t1, t2, t3;
  static uv_work_t work;
  uv_timer_start(&t1, fetch_bad, 0, 0);
  uv_timer_start(&t2, poll_bad, 0, 100);
  uv_timer_start(&t3, drive_ok, 0, 100);
  uv_queue_work(loop, &work, work_ok, after_ok);
  return uv_run(loop, UV_RUN_DEFAULT);
}
