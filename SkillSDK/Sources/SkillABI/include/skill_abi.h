/*
 * skill_abi.h — the Memento native skill ABI, version 1.
 *
 * A native skill is a shared object that exports exactly one symbol,
 * `skill_abi_v1_entry`, at ELF symbol version SKILL_ABI_1. The host calls it and
 * receives a static, append-only descriptor. Everything that crosses the
 * boundary is C: JSON bytes in, JSON bytes out.
 *
 * Ownership and calling rules (normative):
 *  1. `entry` is pure: it returns a pointer to static data, or NULL if it cannot
 *     serve `host_major`. It does not allocate, start threads or log, and it may
 *     be called more than once.
 *  2. Descriptor strings are static, NUL-terminated UTF-8, valid for the life of
 *     the process (the host never unloads a plugin).
 *  3. `in` is borrowed for the duration of `invoke` only. It is UTF-8 JSON, not
 *     NUL-terminated; `in_len` is authoritative.
 *     The request is {"tool": NAME, "settings": {...}, "arguments": {...}}:
 *     which of the skill's tools to run (as declared in skill.json), the
 *     skill's settings from the host's configuration (absent when it has
 *     none), and the tool's arguments, already validated by the host against
 *     the tool's input schema. The host writes the arguments last, so a plugin
 *     may take them as the rest of the request; it must still accept the
 *     members in any order.
 *  4. `invoke` ALWAYS fills `*out` with a plugin-allocated buffer: the result JSON
 *     on SKILL_OK, otherwise {"error":{"code":...,"message":...}}. The host
 *     releases it with that descriptor's `free_buf`, exactly once, never free().
 *  5. Instances come only from `create` and are released only by `destroy`.
 *     `destroy` joins any threads the plugin started; no callback arrives after
 *     it returns.
 *  6. Without SKILL_FLAG_THREAD_SAFE the host never calls `invoke` concurrently
 *     on one instance. `create`/`destroy` never overlap `invoke` on an instance.
 *  7. No Swift error, C++ exception or longjmp unwinds across the boundary.
 *  8. A plugin must not write to fd 0 or 1, nor install signal handlers.
 *
 * Versioning: fields are only ever appended, gated by `struct_size`. The host
 * accepts plugin minor <= host minor; a new major renames the entry symbol.
 */
#ifndef SKILL_ABI_H
#define SKILL_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SKILL_ABI_MAGIC 0x31494241534C4B53ULL /* bytes "SKLSABI1" */
#define SKILL_ABI_MAJOR 1u
#define SKILL_ABI_MINOR 0u
#define SKILL_ENTRY_SYMBOL "skill_abi_v1_entry"

enum { SKILL_OK = 0, SKILL_ERR_BAD_INPUT = 1, SKILL_ERR_FAILED = 2, SKILL_ERR_ABI = 3 };

enum {
  SKILL_FLAG_THREAD_SAFE = 1u << 0,       /* invoke may run concurrently on one instance */
  SKILL_FLAG_REQUIRE_ISOLATION = 1u << 1  /* never load in-process */
};

typedef struct skill_buf {
  uint8_t *ptr;
  size_t len;
  void *reserved; /* for the plugin's allocator; the host never touches it */
} skill_buf;

typedef struct skill_host_api {
  uint32_t struct_size; /* the plugin checks it before using later fields */
  uint32_t abi_major;
  void *host_ctx;
  void (*log)(void *host_ctx, int32_t level, const char *msg, size_t len);
  int32_t (*is_cancelled)(void *host_ctx);
  /* 1.x appends here */
} skill_host_api;

typedef struct skill_descriptor {
  uint64_t magic;
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t struct_size; /* sizeof(skill_descriptor) as compiled by the plugin */
  uint32_t flags;
  const char *name;          /* == skill.json name == store record */
  const char *version;       /* semver */
  const char *manifest_json; /* skill.json as JSON, less entry.sha256 (the hash of this very library) */
  const char *build_info;    /* "swift-6.3.1-RELEASE x86_64-unknown-linux-gnu", "c", "static" */
  int32_t (*create)(const skill_host_api *host, void **out_instance);
  int32_t (*invoke)(void *instance, const uint8_t *in, size_t in_len, skill_buf *out);
  void (*free_buf)(skill_buf *buf);
  void (*destroy)(void *instance);
  /* 1.x fields are appended; the host reads them only if struct_size covers them */
} skill_descriptor;

typedef const skill_descriptor *(*skill_entry_fn)(uint32_t host_major, uint32_t host_minor);

#ifdef __cplusplus
}
#endif

#endif /* SKILL_ABI_H */
