/* GNU extensions Swift's Glibc module does not show (it is imported without _GNU_SOURCE). */
#ifndef MEMENTO_PLUGIN_SYSTEM_H
#define MEMENTO_PLUGIN_SYSTEM_H

#include <spawn.h>

/* pipe2(fds, O_CLOEXEC): both ends close on exec, so no other child inherits them. */
int plugin_pipe_cloexec(int fds[2]);
/* posix_spawn_file_actions_addchdir_np: the child starts in `path`. */
int plugin_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

#endif
