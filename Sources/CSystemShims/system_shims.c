#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#ifdef __linux__
#include <sched.h>
#include <sys/mman.h>
#endif
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

#ifdef __linux__
#define MEMENTO_SEALS (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)
#endif


int memento_memfd_create_sealable(const char *name) {
#ifdef __linux__
  return memfd_create(name, MFD_ALLOW_SEALING | MFD_CLOEXEC);
#else
  (void)name;
  errno = ENOSYS;
  return -1;
#endif
}

int memento_memfd_seal(int fd) {
#ifdef __linux__
  return fcntl(fd, F_ADD_SEALS, MEMENTO_SEALS);
#else
  (void)fd;
  errno = ENOSYS;
  return -1;
#endif
}

int memento_memfd_is_sealed(int fd) {
#ifdef __linux__
  int seals = fcntl(fd, F_GET_SEALS);
  return seals >= 0 && (seals & MEMENTO_SEALS) == MEMENTO_SEALS;
#else
  (void)fd;
  return 0;
#endif
}

void *memento_mremap_grow(void *old, size_t old_size, size_t new_size) {
#ifdef __linux__
  return mremap(old, old_size, new_size, MREMAP_MAYMOVE);
#else
  (void)old; (void)old_size; (void)new_size;
  errno = ENOSYS;
  return MAP_FAILED;
#endif
}

int memento_usable_cpus(void) {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int count = CPU_COUNT(&set);
    return count > 0 ? count : 1;
  }
#endif
  return 1;
}
