/* Linux calls that Swift's Glibc module hides behind _GNU_SOURCE. */
#ifndef MEMENTO_SYSTEM_SHIMS_H
#define MEMENTO_SYSTEM_SHIMS_H

/* Flushes the filesystem that holds fd; returns 0 or -1 with errno set. */
int memento_syncfs(int fd);

/* Atomically swaps two paths on one filesystem (renameat2 RENAME_EXCHANGE); 0 or -1 with errno. */
int memento_rename_exchange(const char *first, const char *second);

#endif
