/*
 * A native test skill in C. The test suite compiles it at test time with `cc -shared -fPIC`,
 * once per variant: -D flags select the ABI defects of the refusal matrix, and the tool named
 * in each request selects a behaviour of the crash/hang matrix.
 *
 * plugin_config.h (written by the test) defines PLUGIN_NAME, PLUGIN_VERSION, PLUGIN_BUILD_INFO
 * and PLUGIN_MANIFEST.
 *
 * Every result buffer comes from a counting allocator; `free_buf` checks a per-buffer tag, so
 * a double free or a free() of a foreign buffer aborts, and the `stats` tool reports the counts.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skill_abi.h"
#include "plugin_config.h"

#define LIVE_TAG ((void *)0x5ca1ab1eUL)

static unsigned long allocations, releases;
static int instances;
static int in_flight, overlaps; /* rule 6: without THREAD_SAFE, calls never overlap */
static const skill_host_api *host;

static int32_t reply(skill_buf *out, const char *text, size_t len) {
  out->ptr = malloc(len ? len : 1);
  if (!out->ptr) abort();
  memcpy(out->ptr, text, len);
  out->len = len;
  out->reserved = LIVE_TAG;
  __atomic_add_fetch(&allocations, 1, __ATOMIC_SEQ_CST);
  return SKILL_OK;
}

static int32_t replys(skill_buf *out, const char *text) { return reply(out, text, strlen(text)); }

static int is_tool(const uint8_t *in, size_t len, const char *name) {
  char needle[96];
  snprintf(needle, sizeof needle, "\"tool\":\"%s\"", name);
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++)
    if (memcmp(in + i, needle, n) == 0) return 1;
  return 0;
}

static int32_t create(const skill_host_api *api, void **out_instance) {
#ifdef CREATE_FAILS
  (void)api; (void)out_instance;
  return SKILL_ERR_FAILED;
#else
  host = api;
  if (api && api->struct_size >= sizeof(skill_host_api) && api->log) api->log(api->host_ctx, 1, "created", 7);
  instances++;
  *out_instance = &instances;
  return SKILL_OK;
#endif
}

static int32_t invoke_tool(const uint8_t *in, size_t in_len, skill_buf *out) {
  if (is_tool(in, in_len, "echo")) {
    /* {"input":<the whole request>} */
    size_t len = in_len + 10;
    char *text = malloc(len);
    if (!text) abort();
    memcpy(text, "{\"input\":", 9);
    memcpy(text + 9, in, in_len);
    text[len - 1] = '}';
    int32_t code = reply(out, text, len);
    free(text);
    return code;
  }
  if (is_tool(in, in_len, "stats")) {
    char text[160];
    /* Counts before this reply's own allocation. */
    snprintf(text, sizeof text, "{\"allocations\":%lu,\"releases\":%lu,\"instances\":%d,\"overlaps\":%d}",
             __atomic_load_n(&allocations, __ATOMIC_SEQ_CST), __atomic_load_n(&releases, __ATOMIC_SEQ_CST), instances,
             __atomic_load_n(&overlaps, __ATOMIC_SEQ_CST));
    return replys(out, text);
  }
  if (is_tool(in, in_len, "fail")) {
    replys(out, "{\"error\":{\"code\":\"failed\",\"message\":\"the fail tool always fails\"}}");
    return SKILL_ERR_FAILED;
  }
  if (is_tool(in, in_len, "big")) {
    /* {"data":"xxxx…"} of 1 MiB */
    size_t n = 1 << 20;
    char *text = malloc(n + 12);
    if (!text) abort();
    memcpy(text, "{\"data\":\"", 9);
    memset(text + 9, 'x', n);
    memcpy(text + 9 + n, "\"}", 2);
    int32_t code = reply(out, text, n + 11);
    free(text);
    return code;
  }
  if (is_tool(in, in_len, "segv")) {
    volatile int *nowhere = NULL;
    *nowhere = 1;
  }
  if (is_tool(in, in_len, "abort")) abort();
  if (is_tool(in, in_len, "exit")) exit(0);
  if (is_tool(in, in_len, "hang")) for (;;) pause();
  if (is_tool(in, in_len, "pretty")) {
    /* A reply laid out over several lines, as a pretty printer writes it. */
    return replys(out, "{\n  \"pretty\": true,\n  \"lines\": [\n    1,\n    2\n  ]\n}\n");
  }
  if (is_tool(in, in_len, "print")) {
    /* Plugins must not write to stdout; in a runner this lands on stderr. */
    for (int i = 0; i < 2000; i++) printf("{\"id\":1,\"result\":\"spoofed by stdout spam %d\"}\n", i);
    fflush(stdout);
    return replys(out, "{\"printed\":2000}");
  }
  if (is_tool(in, in_len, "stdin")) {
    char buffer[64];
    ssize_t got = read(0, buffer, sizeof buffer);
    char text[64];
    snprintf(text, sizeof text, "{\"read\":%zd}", got);
    return replys(out, text);
  }
  if (is_tool(in, in_len, "slow")) {
    usleep(2000); /* long enough for concurrent calls to overlap if the host lets them */
    return replys(out, "{\"slept_ms\":2}");
  }
  if (is_tool(in, in_len, "empty")) {
    out->ptr = NULL; out->len = 0; out->reserved = NULL;
    return SKILL_OK;
  }
  replys(out, "{\"error\":{\"code\":\"unknown_tool\",\"message\":\"no such tool\"}}");
  return SKILL_ERR_BAD_INPUT;
}

static int32_t invoke(void *instance, const uint8_t *in, size_t in_len, skill_buf *out) {
  (void)instance;
  if (__atomic_add_fetch(&in_flight, 1, __ATOMIC_SEQ_CST) > 1) __atomic_add_fetch(&overlaps, 1, __ATOMIC_SEQ_CST);
  int32_t code = invoke_tool(in, in_len, out);
  __atomic_sub_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
  return code;
}

static void free_buf(skill_buf *buf) {
  if (!buf->ptr) return;
  if (buf->reserved != LIVE_TAG) abort(); /* a double free, or not our buffer */
  buf->reserved = NULL;
  free(buf->ptr);
  buf->ptr = NULL;
  __atomic_add_fetch(&releases, 1, __ATOMIC_SEQ_CST);
}

static void destroy(void *instance) {
  (void)instance;
  instances--;
  if (host && host->log) host->log(host->host_ctx, 1, "destroyed", 9);
}

static const skill_descriptor descriptor = {
#ifdef BAD_MAGIC
  .magic = 0x1122334455667788ULL,
#else
  .magic = SKILL_ABI_MAGIC,
#endif
#ifdef MAJOR_2
  .abi_major = 2,
#else
  .abi_major = SKILL_ABI_MAJOR,
#endif
#ifdef MINOR_NEWER
  .abi_minor = SKILL_ABI_MINOR + 3,
#else
  .abi_minor = SKILL_ABI_MINOR,
#endif
#ifdef SHORT_STRUCT
  .struct_size = 40,
#else
  .struct_size = sizeof(skill_descriptor),
#endif
#if defined(REQUIRE_ISOLATION)
  .flags = SKILL_FLAG_REQUIRE_ISOLATION,
#elif defined(THREAD_SAFE)
  .flags = SKILL_FLAG_THREAD_SAFE,
#else
  .flags = 0,
#endif
  .name = PLUGIN_NAME,
  .version = PLUGIN_VERSION,
  .manifest_json = PLUGIN_MANIFEST,
  .build_info = PLUGIN_BUILD_INFO,
  .create = create,
#ifdef NULL_INVOKE
  .invoke = NULL,
#else
  .invoke = invoke,
#endif
#ifdef NULL_FREE
  .free_buf = NULL,
#else
  .free_buf = free_buf,
#endif
  .destroy = destroy,
};

#ifndef NO_ENTRY
const skill_descriptor *skill_abi_v1_entry(uint32_t host_major, uint32_t host_minor) {
  (void)host_minor;
#ifdef ENTRY_NULL
  (void)host_major;
  return NULL;
#else
  return host_major == SKILL_ABI_MAJOR ? &descriptor : NULL;
#endif
}
#else
/* Something must be exported, or the plugin would be an empty object. */
const skill_descriptor *skill_abi_v2_entry(void) { return &descriptor; }
#endif
