/* One bounded HTTP exchange for the `http` plugin. The URL is parsed once, by libcurl, and the
 * host the allow-list saw is the host libcurl connects to: no second parser to disagree with. */
#ifndef MEMENTO_PLUGIN_HTTP_H
#define MEMENTO_PLUGIN_HTTP_H

#include <stddef.h>
#include <stdint.h>

typedef struct plugin_http_request {
  const char *url;
  const char *method;            /* "GET" or "POST" */
  const uint8_t *body;           /* POST body, may be NULL */
  size_t body_len;
  const char *const *headers;    /* "Name: value" lines, NULL-terminated, may be NULL */
  long timeout_ms;               /* the whole exchange */
  size_t max_bytes;              /* the response body; more aborts the transfer */
  /* Returns 1 when the scheme and host may be reached, 0 otherwise. */
  int (*allow)(void *context, const char *scheme, const char *host);
  void *context;
} plugin_http_request;

typedef struct plugin_http_response {
  long status;
  uint8_t *body;                 /* malloc'd, free with plugin_http_free */
  size_t body_len;
  char *headers;                 /* the raw response header block, malloc'd */
  size_t headers_len;
  char *content_type;            /* malloc'd, may be NULL */
  int outcome;                   /* PLUGIN_HTTP_* */
  char error[256];
} plugin_http_response;

enum {
  PLUGIN_HTTP_OK = 0,
  PLUGIN_HTTP_BAD_URL = 1,
  PLUGIN_HTTP_NOT_ALLOWED = 2,
  PLUGIN_HTTP_TOO_LARGE = 3,
  PLUGIN_HTTP_TIMEOUT = 4,
  PLUGIN_HTTP_FAILED = 5
};

void plugin_http_perform(const plugin_http_request *request, plugin_http_response *response);
void plugin_http_free(plugin_http_response *response);

#endif
