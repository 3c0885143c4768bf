/*
 * A minimal C host for leak checks: loads a native skill as the ABI prescribes (dlopen with
 * RTLD_NOW | RTLD_LOCAL, skill_abi_v1_entry, checks, create), calls one tool COUNT times, frees
 * every result with the descriptor's free_buf, then destroys the instance. Run under valgrind,
 * anything the plugin allocated for a call and did not give back shows as lost.
 *
 *   leak_harness PLUGIN.so COUNT REQUEST EXPECTED
 *
 * REQUEST is the invoke input ({"tool":…,"arguments":…}); every reply must contain EXPECTED.
 * Built with -DSKIP_FREE it never calls free_buf, so a leak check of it must fail: the proof
 * that the check can see a leak. Never dlclose (plugin-abi.md §5), as the host does not.
 * Exit: 0 done, 2 usage, 3 load or ABI refusal, 4 a call failed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skill_abi.h"

static void host_log(void *ctx, int32_t level, const char *msg, size_t len) {
  (void)ctx; (void)level; (void)msg; (void)len;
}

static int32_t host_is_cancelled(void *ctx) {
  (void)ctx;
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s PLUGIN.so COUNT REQUEST EXPECTED\n", argv[0]);
    return 2;
  }
  char *end = NULL;
  long count = strtol(argv[2], &end, 10);
  if (!end || *end != '\0' || count < 1) {
    fprintf(stderr, "COUNT must be a positive integer, not %s\n", argv[2]);
    return 2;
  }
  const char *request = argv[3];
  const char *expected = argv[4];

  void *image = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!image) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 3;
  }
  skill_entry_fn entry = (skill_entry_fn)dlsym(image, SKILL_ENTRY_SYMBOL);
  if (!entry) {
    fprintf(stderr, "no %s: %s\n", SKILL_ENTRY_SYMBOL, dlerror());
    return 3;
  }
  const skill_descriptor *d = entry(SKILL_ABI_MAJOR, SKILL_ABI_MINOR);
  if (!d || d->magic != SKILL_ABI_MAGIC || d->abi_major != SKILL_ABI_MAJOR || d->abi_minor > SKILL_ABI_MINOR ||
      d->struct_size < sizeof(skill_descriptor) || !d->create || !d->invoke || !d->free_buf || !d->destroy) {
    fprintf(stderr, "the plugin's descriptor is refused\n");
    return 3;
  }

  skill_host_api host = {
    .struct_size = sizeof(skill_host_api), .abi_major = SKILL_ABI_MAJOR, .host_ctx = NULL,
    .log = host_log, .is_cancelled = host_is_cancelled,
  };
  void *instance = NULL;
  if (d->create(&host, &instance) != SKILL_OK) {
    fprintf(stderr, "create failed\n");
    return 3;
  }

  size_t request_len = strlen(request);
  size_t expected_len = strlen(expected);
  long failures = 0;
  for (long i = 0; i < count; i++) {
    skill_buf out = {0};
    int32_t code = d->invoke(instance, (const uint8_t *)request, request_len, &out);
    if (code != SKILL_OK || !out.ptr || !memmem(out.ptr, out.len, expected, expected_len)) {
      if (failures++ == 0)
        fprintf(stderr, "call %ld: code %d, reply %.*s\n", i, code, (int)(out.ptr ? out.len : 0), out.ptr ? (const char *)out.ptr : "");
    }
#ifndef SKIP_FREE
    d->free_buf(&out);
#endif
  }
  d->destroy(instance);
  printf("%ld calls, %ld failed\n", count, failures);
  return failures ? 4 : 0;
}
