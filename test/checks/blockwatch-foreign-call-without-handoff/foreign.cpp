// RUN: %tidy blockwatch-foreign-call-without-handoff %s -- -std=c++20 -nostdlibinc -isystem %mocks -I %S/Inputs | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-foreign-call-without-handoff %s -- -std=c++20 -nostdlibinc -isystem %mocks -I %S/Inputs | FileCheck %s --implicit-check-not='warning:'
// Only declarations from matching headers count with ForeignHeaders; the
// JNI and dlsym calls are foreign by pack, whatever the header.
// RUN: %tidy blockwatch-foreign-call-without-handoff %s --config="{CheckOptions: {blockwatch-foreign-call-without-handoff.ForeignHeaders: 'no-such-dir/'}}" -- -std=c++20 -nostdlibinc -isystem %mocks -I %S/Inputs | FileCheck --check-prefix=HDR %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-foreign-call-without-handoff %s --foreign-headers=no-such-dir/ -- -std=c++20 -nostdlibinc -isystem %mocks -I %S/Inputs | FileCheck --check-prefix=HDR %s --implicit-check-not='warning:'
#include <boost/asio.hpp>
#include <boost/fiber/all.hpp>
#include <thread>
#include <string.h>
#include "vendor/sdk.h"
#include "jni.h"

extern "C" void *dlopen(const char *, int);
extern "C" void *dlsym(void *, const char *);
typedef int (*plugin_fn)(int);

// extern "C" but defined here: its body is visible, so it is not foreign.
extern "C" int project_checksum(const char *s) { return (int)strlen(s); }

namespace asio = boost::asio;

struct Server {
  asio::io_context io;
  asio::thread_pool pool;
  sdk_handle *h = nullptr;
  JNIEnv *env = nullptr;

  void sdk_on_loop_bad() {
    asio::post(io, [this] { sdk_query(h, "k"); });
    // CHECK: :[[@LINE-1]]:29: warning: foreign call 'sdk_query' runs on the io_context's thread without a handoff: its code is not visible here, and if it blocks, every task on this thread stalls; this code runs in the handler scheduled at foreign.cpp:[[@LINE-1]] [blockwatch-foreign-call-without-handoff]
    // CHECK: sdk.h:5:5: note: 'sdk_query' is declared here, with no definition in the program
  }

  void sdk_on_pool_ok() {
    asio::post(pool, [this] { sdk_query(h, "k"); });
  }

  void sdk_on_thread_ok() {
    std::thread t([this] { sdk_query(h, "k"); });
    t.join();
  }

  void project_c_function_ok() {
    asio::post(io, [] { project_checksum("abc"); memcpy(nullptr, nullptr, 0); });
  }

  void through_helper_bad() {
    asio::post(io, [this] { lookup(); });
  }
  int lookup() { return sdk_version(); }
  // CHECK: :[[@LINE-1]]:25: warning: foreign call 'sdk_version' runs on the io_context's thread
  // CHECK: note: '(lambda at foreign.cpp:{{[0-9]+}}:20)' calls 'Server::lookup'

  void jni_bad(void *obj, void *mid) {
    asio::post(io, [=] { env->CallVoidMethod(obj, mid); });
    // CHECK: :[[@LINE-1]]:26: warning: foreign call 'JNIEnv_::CallVoidMethod' runs on the io_context's thread
    // HDR: :[[@LINE-2]]:26: warning: foreign call 'JNIEnv_::CallVoidMethod' runs on the io_context's thread
  }

  void dlsym_bad() {
    asio::post(io, [] {
      void *lib = dlopen("libplugin.so", 0);
      auto run = (plugin_fn)dlsym(lib, "plugin_run");
      run(1);
      // CHECK: :[[@LINE-1]]:7: warning: foreign call 'plugin_run (from dlsym)' runs on the io_context's thread
      // HDR: :[[@LINE-2]]:7: warning: foreign call 'plugin_run (from dlsym)' runs on the io_context's thread
    });
  }
};

void fiber_bad(sdk_handle *h) {
  boost::fibers::fiber f([h] { sdk_query(h, "x"); });
  // CHECK: :[[@LINE-1]]:32: warning: foreign call 'sdk_query' runs on the fiber scheduler's thread without a handoff
  // CHECK: note: run the blocking work on a worker thread and wait for it with a boost::fibers::future
  f.join();
}

// Before the loop runs: not loop code.
int main() { return sdk_version(); }
