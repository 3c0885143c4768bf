/* Linux calls that Swift's Glibc module hides behind _GNU_SOURCE. */
#ifndef MEMENTO_SYSTEM_SHIMS_H
#define MEMENTO_SYSTEM_SHIMS_H

/* Flushes the filesystem that holds fd; returns 0 or -1 with errno set. */
int memento_syncfs(int fd);

/* Atomically swaps two paths on one filesystem (renameat2 RENAME_EXCHANGE); 0 or -1 with errno. */
int memento_rename_exchange(const char *first, const char *second);

/* pipe2(fds, O_CLOEXEC): a pipe whose ends no child inherits by accident; 0 or -1 with errno. */
int memento_pipe_cloexec(int fds[2]);

/* An anonymous, sealable, close-on-exec memory file (memfd_create with MFD_ALLOW_SEALING); fd or -1. */
int memento_memfd_create_sealable(const char *name);

/* Seals a memfd against writes, resizing and further sealing; 0 or -1 with errno. */
int memento_memfd_seal(int fd);

/* True when fd carries every seal memento_memfd_seal adds. */
int memento_memfd_is_sealed(int fd);

#endif
