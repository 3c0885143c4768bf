/* A non-variadic front for the few libcurl calls the downloader makes (Swift cannot call
 * curl_easy_setopt, which is variadic). */
#ifndef MEMENTO_CURL_SHIMS_H
#define MEMENTO_CURL_SHIMS_H

#include <stddef.h>
#include <stdint.h>

typedef struct memento_http_result {
  long status;          /* HTTP status, 0 if none arrived */
  int curl_code;        /* CURLcode, 0 on success */
  char error[256];      /* libcurl's message when curl_code != 0 */
} memento_http_result;

/* Receives body bytes; returns 0 to continue, anything else aborts the transfer. */
typedef int (*memento_http_write)(void *context, const uint8_t *data, size_t length);
/* Reports progress; returns 0 to continue. */
typedef int (*memento_http_progress)(void *context, int64_t received, int64_t total);

/* GETs url, starting at byte resume_from (a Range request when > 0). Gives up when the
 * connection takes longer than connect_timeout seconds or the rate stays under 1 byte/s for
 * stall_timeout seconds. Follows no redirects to other schemes. Returns curl_code. */
int memento_http_get(const char *url, int64_t resume_from, long connect_timeout, long stall_timeout,
                     memento_http_write write, memento_http_progress progress, void *context,
                     memento_http_result *result);

#endif
