#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include "system_shims.h"

int memento_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

/* Reports errno to the parent over the close-on-exec pipe, then dies without running atexit
   handlers or flushing stdio buffers inherited from the parent. */
static void fail_child(int report_fd, int stage) {
  int payload[2] = {stage, errno};
  ssize_t ignored = write(report_fd, payload, sizeof payload);
  (void)ignored;
  _exit(127);
}

int memento_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                  int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid_out,
                  int *failed_stage, int *failed_errno) {
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return -1;
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    int saved = errno;
    close(report[0]);
    close(report[1]);
    errno = saved;
    return -1;
  }
  if (pid == 0) {
    /* Only async-signal-safe calls from here to execve: the parent is multithreaded. */
    if (setpgid(0, 0) != 0) fail_child(report[1], 1);
#ifdef __linux__
    /* Killed when the forking thread's process dies, even by SIGKILL; then re-check, since the
       parent may have died before prctl took effect. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail_child(report[1], 2);
    if (getppid() != parent) _exit(127);
#endif
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Ignored signals survive execve; the host ignores SIGPIPE, the server should not. */
    signal(SIGPIPE, SIG_DFL);
    if (dup2(stdin_fd, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) fail_child(report[1], 3);
    if (cwd != NULL && chdir(cwd) != 0) fail_child(report[1], 4);
    /* Close every inherited descriptor except the report pipe, which closes on exec. */
    int keep = report[1];
    int closed = -1;
#ifdef SYS_close_range
    closed = (keep > 3 ? (int)syscall(SYS_close_range, 3, keep - 1, 0) : 0) |
             (int)syscall(SYS_close_range, keep + 1, ~0U, 0);
#endif
    if (closed != 0) {
      for (int fd = 3; fd < 4096; fd++) {
        if (fd != keep) close(fd);
      }
    }
    execve(path, argv, envp);
    fail_child(report[1], 5);
  }
  close(report[1]);
  int payload[2];
  ssize_t got;
  do {
    got = read(report[0], payload, sizeof payload);
  } while (got < 0 && errno == EINTR);
  close(report[0]);
  *pid_out = pid;
  if (got == (ssize_t)sizeof payload) {
    *failed_stage = payload[0];
    *failed_errno = payload[1];
  } else {
    *failed_stage = 0;
    *failed_errno = 0;
  }
  return 0;
}
