// Minimal POSIX declarations with the flag values of Linux/glibc.
#pragma once
typedef unsigned long size_t;
typedef long ssize_t;
typedef unsigned int socklen_t;
extern "C" {
struct sockaddr;
struct timeval { long tv_sec; long tv_usec; };
struct pollfd { int fd; short events; short revents; };
struct addrinfo;
typedef struct { int opaque; } pthread_mutex_t;
typedef struct { int opaque; } pthread_rwlock_t;
typedef struct { int opaque; } pthread_cond_t;
typedef unsigned long pthread_t;
#define MSG_DONTWAIT 0x40
#define SOCK_STREAM 1
#define SOCK_NONBLOCK 04000
#define O_NONBLOCK 04000
#define F_GETFL 3
#define F_SETFL 4
#define FIONBIO 0x5421
#define AF_INET 2
#define SOL_SOCKET 1
#define SO_RCVTIMEO 20
#define POLLIN 1
#define PTHREAD_MUTEX_INITIALIZER {0}
unsigned int sleep(unsigned int);
int usleep(unsigned int);
ssize_t read(int, void *, size_t);
ssize_t write(int, const void *, size_t);
int fsync(int);
int close(int);
int socket(int, int, int);
int accept(int, struct sockaddr *, socklen_t *);
int accept4(int, struct sockaddr *, socklen_t *, int);
int connect(int, const struct sockaddr *, socklen_t);
ssize_t recv(int, void *, size_t, int);
ssize_t send(int, const void *, size_t, int);
int setsockopt(int, int, int, const void *, socklen_t);
int fcntl(int, int, ...);
int ioctl(int, unsigned long, ...);
int poll(struct pollfd *, unsigned long, int);
int getaddrinfo(const char *, const char *, const struct addrinfo *, struct addrinfo **);
int pthread_mutex_lock(pthread_mutex_t *);
int pthread_mutex_trylock(pthread_mutex_t *);
int pthread_mutex_unlock(pthread_mutex_t *);
int pthread_rwlock_rdlock(pthread_rwlock_t *);
int pthread_rwlock_wrlock(pthread_rwlock_t *);
int pthread_rwlock_unlock(pthread_rwlock_t *);
int pthread_cond_wait(pthread_cond_t *, pthread_mutex_t *);
int pthread_join(pthread_t, void **);
unsigned long strlen(const char *);
void *memcpy(void *, const void *, unsigned long);
}
