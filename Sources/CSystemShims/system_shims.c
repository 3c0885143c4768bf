#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "system_shims.h"

int memento_syncfs(int fd) {
#ifdef __linux__
  return syncfs(fd);
#else
  return fsync(fd);
#endif
}

int memento_rename_exchange(const char *first, const char *second) {
#ifdef RENAME_EXCHANGE
  return renameat2(AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE);
#else
  errno = ENOSYS;
  return -1;
#endif
}
