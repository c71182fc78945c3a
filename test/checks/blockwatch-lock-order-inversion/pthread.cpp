// RUN: %tidy blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// RUN: %bw-text blockwatch-lock-order-inversion %s -- -std=c++20 -nostdlibinc -isystem %mocks | FileCheck %s --implicit-check-not='warning:'
// pthread mutexes and rwlocks, named by the expression passed to them.
#include <pthread.h>

pthread_mutex_t g_queue_mu;
pthread_mutex_t g_pool_mu;

void enqueue_bad() {
  pthread_mutex_lock(&g_queue_mu);
  pthread_mutex_lock(&g_pool_mu);
  pthread_mutex_unlock(&g_pool_mu);
  pthread_mutex_unlock(&g_queue_mu);
}
void shrink_bad() {
  pthread_mutex_lock(&g_pool_mu);
  pthread_mutex_lock(&g_queue_mu);
  // CHECK: :[[@LINE-7]]:3: warning: lock order inversion: 'g_pool_mu' is acquired while 'g_queue_mu' is held, but elsewhere 'g_queue_mu' is acquired while 'g_pool_mu' is held [blockwatch-lock-order-inversion]
  // CHECK: :[[@LINE-3]]:3: note: 'g_pool_mu' held here (in 'shrink_bad')
  // CHECK: :[[@LINE-3]]:3: note: 'g_queue_mu' acquired here
  // CHECK: :[[@LINE-11]]:3: note: 'g_queue_mu' held here (in 'enqueue_bad')
  // CHECK: :[[@LINE-11]]:3: note: 'g_pool_mu' acquired here
  pthread_mutex_unlock(&g_queue_mu);
  pthread_mutex_unlock(&g_pool_mu);
}

// Twins: unlock before the second lock, and a trylock that backs off.
pthread_mutex_t g_jobs_mu;
pthread_mutex_t g_slots_mu;

void submit_ok() {
  pthread_mutex_lock(&g_jobs_mu);
  pthread_mutex_lock(&g_slots_mu);
  pthread_mutex_unlock(&g_slots_mu);
  pthread_mutex_unlock(&g_jobs_mu);
}
void release_slot_ok() {
  pthread_mutex_lock(&g_slots_mu);
  pthread_mutex_unlock(&g_slots_mu);
  pthread_mutex_lock(&g_jobs_mu);
  pthread_mutex_unlock(&g_jobs_mu);
}
void steal_ok() {
  pthread_mutex_lock(&g_slots_mu);
  if (pthread_mutex_trylock(&g_jobs_mu) == 0)
    pthread_mutex_unlock(&g_jobs_mu);
  pthread_mutex_unlock(&g_slots_mu);
}

// A mutex member of a struct is 'Struct::member'.
struct Conn {
  pthread_mutex_t mu_;
  pthread_mutex_t send_mu_;
};

void conn_send_bad(Conn *c) {
  pthread_mutex_lock(&c->mu_);
  pthread_mutex_lock(&c->send_mu_);
  pthread_mutex_unlock(&c->send_mu_);
  pthread_mutex_unlock(&c->mu_);
}
void conn_close_bad(Conn *c) {
  pthread_mutex_lock(&c->send_mu_);
  pthread_mutex_lock(&c->mu_);
  // CHECK: :[[@LINE-1]]:3: warning: lock order inversion: 'Conn::mu_' is acquired while 'Conn::send_mu_' is held, but elsewhere 'Conn::send_mu_' is acquired while 'Conn::mu_' is held [blockwatch-lock-order-inversion]
  // CHECK: :[[@LINE-9]]:3: note: 'Conn::mu_' held here (in 'conn_send_bad')
  // CHECK: :[[@LINE-9]]:3: note: 'Conn::send_mu_' acquired here
  // CHECK: :[[@LINE-5]]:3: note: 'Conn::send_mu_' held here (in 'conn_close_bad')
  // CHECK: :[[@LINE-5]]:3: note: 'Conn::mu_' acquired here
  pthread_mutex_unlock(&c->mu_);
  pthread_mutex_unlock(&c->send_mu_);
}
void conn_relock_bad(Conn *c) {
  pthread_mutex_lock(&c->mu_);
  pthread_mutex_lock(&c->mu_);
  // CHECK: :[[@LINE-1]]:3: warning: 'Conn::mu_' is acquired while already held: a non-recursive mutex deadlocks on itself [blockwatch-lock-order-inversion]
  // CHECK: :[[@LINE-3]]:3: note: 'Conn::mu_' first acquired here
}
void conn_relock_ok(Conn *c) {
  pthread_mutex_lock(&c->mu_);
  pthread_mutex_unlock(&c->mu_);
  pthread_mutex_lock(&c->mu_);
  pthread_mutex_unlock(&c->mu_);
}

// rwlocks: readers on both sides are silent, a writer on each side is not.
pthread_rwlock_t g_routes_rw;
pthread_rwlock_t g_names_rw;

void resolve_ok() {
  pthread_rwlock_rdlock(&g_routes_rw);
  pthread_rwlock_rdlock(&g_names_rw);
  pthread_rwlock_unlock(&g_names_rw);
  pthread_rwlock_unlock(&g_routes_rw);
}
void reverse_lookup_ok() {
  pthread_rwlock_rdlock(&g_names_rw);
  pthread_rwlock_rdlock(&g_routes_rw);
  pthread_rwlock_unlock(&g_routes_rw);
  pthread_rwlock_unlock(&g_names_rw);
}

pthread_rwlock_t g_zones_rw;
pthread_rwlock_t g_cache_rw;

void update_zone_bad() {
  pthread_rwlock_rdlock(&g_zones_rw);
  pthread_rwlock_wrlock(&g_cache_rw);
  pthread_rwlock_unlock(&g_cache_rw);
  pthread_rwlock_unlock(&g_zones_rw);
}
void purge_cache_bad() {
  pthread_rwlock_rdlock(&g_cache_rw);
  pthread_rwlock_wrlock(&g_zones_rw);
  // CHECK: :[[@LINE-7]]:3: warning: lock order inversion: 'g_cache_rw' is acquired while 'g_zones_rw' is held, but elsewhere 'g_zones_rw' is acquired while 'g_cache_rw' is held [blockwatch-lock-order-inversion]
  // CHECK: :[[@LINE-3]]:3: note: 'g_cache_rw' held here (in 'purge_cache_bad')
  // CHECK: :[[@LINE-3]]:3: note: 'g_zones_rw' acquired here
  // CHECK: :[[@LINE-11]]:3: note: 'g_zones_rw' held here (in 'update_zone_bad')
  // CHECK: :[[@LINE-11]]:3: note: 'g_cache_rw' acquired here
  pthread_rwlock_unlock(&g_zones_rw);
  pthread_rwlock_unlock(&g_cache_rw);
}
