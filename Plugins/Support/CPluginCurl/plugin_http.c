#include "plugin_http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct growing {
  uint8_t *bytes;
  size_t len;
  size_t cap;
  size_t limit;
  int over;
} growing;

static int append(growing *buffer, const char *data, size_t len) {
  if (buffer->len + len > buffer->limit) {
    buffer->over = 1;
    return 0;
  }
  if (buffer->len + len + 1 > buffer->cap) {
    size_t cap = buffer->cap ? buffer->cap : 4096;
    while (cap < buffer->len + len + 1) cap *= 2;
    uint8_t *bytes = realloc(buffer->bytes, cap);
    if (!bytes) return 0;
    buffer->bytes = bytes;
    buffer->cap = cap;
  }
  memcpy(buffer->bytes + buffer->len, data, len);
  buffer->len += len;
  buffer->bytes[buffer->len] = 0;
  return 1;
}

/* Body and header bytes alike go to a `growing` buffer, which refuses what passes its limit. */
static size_t collect(char *data, size_t size, size_t count, void *context) {
  return append(context, data, size * count) ? size * count : 0;
}

static void fail(plugin_http_response *response, int outcome, const char *message) {
  response->outcome = outcome;
  snprintf(response->error, sizeof response->error, "%s", message);
}

void plugin_http_perform(const plugin_http_request *request, plugin_http_response *response) {
  memset(response, 0, sizeof *response);
  CURLU *url = curl_url();
  CURL *easy = curl_easy_init();
  struct curl_slist *headers = NULL;
  growing body = {.limit = request->max_bytes}, head = {.limit = 256 * 1024};
  char *scheme = NULL, *host = NULL;
  if (!url || !easy) {
    fail(response, PLUGIN_HTTP_FAILED, "libcurl could not start");
    goto done;
  }
  if (curl_url_set(url, CURLUPART_URL, request->url, 0) != CURLUE_OK ||
      curl_url_get(url, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(url, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    fail(response, PLUGIN_HTTP_BAD_URL, "not an absolute http(s) URL with a host");
    goto done;
  }
  if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
    fail(response, PLUGIN_HTTP_BAD_URL, "only http and https URLs are fetched");
    goto done;
  }
  if (!request->allow(request->context, scheme, host)) {
    snprintf(response->error, sizeof response->error, "%s", host);
    response->outcome = PLUGIN_HTTP_NOT_ALLOWED;
    goto done;
  }
  curl_easy_setopt(easy, CURLOPT_CURLU, url);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  /* A redirect would reach a host nobody checked: the caller sees the 3xx and decides. */
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, request->timeout_ms);
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)request->max_bytes);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, collect);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &head);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "memento-http/1");
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  for (const char *const *line = request->headers; line && *line; line++) headers = curl_slist_append(headers, *line);
  if (headers) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  if (strcmp(request->method, "POST") == 0) {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request->body ? (const char *)request->body : "");
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->body_len);
  }
  CURLcode code = curl_easy_perform(easy);
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response->status);
  if (body.over || code == CURLE_FILESIZE_EXCEEDED) {
    fail(response, PLUGIN_HTTP_TOO_LARGE, "the response body is over the size limit");
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    fail(response, PLUGIN_HTTP_TIMEOUT, curl_easy_strerror(code));
  } else if (code != CURLE_OK) {
    fail(response, PLUGIN_HTTP_FAILED, curl_easy_strerror(code));
  } else {
    char *type = NULL;
    if (curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) response->content_type = strdup(type);
    response->body = body.bytes;
    response->body_len = body.len;
    response->headers = (char *)head.bytes;
    response->headers_len = head.len;
    body.bytes = NULL;
    head.bytes = NULL;
  }
done:
  free(body.bytes);
  free(head.bytes);
  curl_free(scheme);
  curl_free(host);
  curl_slist_free_all(headers);
  if (easy) curl_easy_cleanup(easy);
  if (url) curl_url_cleanup(url);
}

void plugin_http_free(plugin_http_response *response) {
  free(response->body);
  free(response->headers);
  free(response->content_type);
  memset(response, 0, sizeof *response);
}
