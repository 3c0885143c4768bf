/* Floors for the plugin-host figures of `make bench`:
 *   pipe_echo N [W [P]]  round trips of a small JSON line between two processes over pipes (p50 p99 µs);
 *                    with W, each side first spins W µs per message, as a process doing work would;
 *                    with P, each reader polls its pipe (non-blocking reads) for P µs before it
 *                    sleeps, as memento and its runners do (MEMENTO_RUNNER_SPIN_US)
 *   crc32 N       direct calls of zlib's crc32 on "hello" (mean ns)
 * Built by Benchmarks/bench.py with the system C compiler; nothing here is part of memento. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* Busy for `us` microseconds: work without sleeping, so the scheduler sees a process that runs. */
static void spin(double us) {
  double start = now_us();
  while (now_us() - start < us) {
  }
}

/* read(2), polling first for `window` µs when the descriptor is non-blocking, then sleeping. */
static ssize_t read_polling(int fd, char *buffer, size_t size, double window) {
  double start = now_us();
  while (1) {
    ssize_t n = read(fd, buffer, size);
    if (n >= 0 || (errno != EAGAIN && errno != EINTR)) return n;
    if (now_us() - start >= window) {
      struct pollfd poller = {fd, POLLIN, 0};
      poll(&poller, 1, -1);
    }
  }
}

static void make_polling(int fd, double window) {
  if (window > 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int pipe_echo(int count, double work, double window) {
  int down[2], up[2];
  if (pipe(down) || pipe(up)) return 1;
  pid_t child = fork();
  if (child == 0) {
    close(down[1]);
    close(up[0]);
    make_polling(down[0], window);
    char buffer[4096];
    ssize_t n;
    while ((n = read_polling(down[0], buffer, sizeof buffer, window)) > 0) {
      spin(work);
      if (write(up[1], buffer, (size_t)n) != n) _exit(1);
    }
    _exit(0);
  }
  close(down[0]);
  close(up[1]);
  make_polling(up[0], window);
  const char *line = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"call\",\"params\":{\"x\":1}}\n";
  size_t length = strlen(line);
  double *samples = malloc(sizeof(double) * (size_t)count);
  char buffer[4096];
  for (int i = 0; i < count; i++) {
    double start = now_us();
    spin(work);
    if (write(down[1], line, length) != (ssize_t)length) return 1;
    size_t got = 0;
    while (got < length) {
      ssize_t n = read_polling(up[0], buffer, sizeof buffer, window);
      if (n <= 0) return 1;
      got += (size_t)n;
    }
    samples[i] = now_us() - start;
  }
  close(down[1]);
  waitpid(child, NULL, 0);
  qsort(samples, (size_t)count, sizeof(double), compare);
  printf("%.2f %.2f\n", samples[count / 2], samples[count * 99 / 100]);
  return 0;
}

static int crc_direct(int count) {
  const unsigned char *data = (const unsigned char *)"hello";
  volatile unsigned long sink = 0;
  double start = now_us();
  for (int i = 0; i < count; i++) sink += crc32(0, data, 5);
  printf("%.1f\n", (now_us() - start) * 1000.0 / count);
  return sink == 0;
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 5) return 2;
  int count = atoi(argv[2]);
  if (strcmp(argv[1], "pipe_echo") == 0) return pipe_echo(count, argc >= 4 ? atof(argv[3]) : 0, argc == 5 ? atof(argv[4]) : 0);
  if (strcmp(argv[1], "crc32") == 0) return crc_direct(count);
  return 2;
}
