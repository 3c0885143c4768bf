/* Linux calls that Swift's Glibc module hides behind _GNU_SOURCE. */
#ifndef MEMENTO_SYSTEM_SHIMS_H
#define MEMENTO_SYSTEM_SHIMS_H

/* Flushes the filesystem that holds fd; returns 0 or -1 with errno set. */
int memento_syncfs(int fd);

/* Atomically swaps two paths on one filesystem (renameat2 RENAME_EXCHANGE); 0 or -1 with errno. */
int memento_rename_exchange(const char *first, const char *second);

#include <sys/types.h>

/* pipe2(fds, O_CLOEXEC), which Glibc's Swift module hides; returns 0 or -1 with errno set. */
int memento_pipe_cloexec(int fds[2]);

/* Starts `path` with `argv`/`envp` in its own process group, with the given descriptors as its
   stdin/stdout/stderr and `cwd` (or NULL) as its directory. On Linux the child gets
   PR_SET_PDEATHSIG(SIGKILL), which posix_spawn cannot set, so it dies with the host.
   Returns 0 with *pid_out set, or -1 with errno set if fork failed. When the child could not
   exec, *failed_stage is non-zero (1 setpgid, 2 prctl, 3 dup2, 4 chdir, 5 execve) and
   *failed_errno holds the cause; the child has then exited with 127 and must still be reaped.
   PR_SET_PDEATHSIG fires when the *thread* that forked exits, so call this from a thread that
   lives as long as the process. */
int memento_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                  int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid_out,
                  int *failed_stage, int *failed_errno);

/* An anonymous, sealable, close-on-exec memory file (memfd_create with MFD_ALLOW_SEALING); fd or -1. */
int memento_memfd_create_sealable(const char *name);

/* Seals a memfd against writes, resizing and further sealing; 0 or -1 with errno. */
int memento_memfd_seal(int fd);

/* True when fd carries every seal memento_memfd_seal adds. */
int memento_memfd_is_sealed(int fd);

/* mremap(old, old_size, new_size, MREMAP_MAYMOVE): grows an anonymous mapping by moving its
 * pages instead of copying them. MAP_FAILED on failure. */
void *memento_mremap_grow(void *old, size_t old_size, size_t new_size);

/* How many CPUs this process may run on (its affinity mask); 1 when that cannot be read. */
int memento_usable_cpus(void);

#endif
