#include "curl_shims.h"

#include <curl/curl.h>
#include <string.h>

typedef struct transfer {
  memento_http_write write;
  memento_http_progress progress;
  void *context;
} transfer;

static size_t on_body(char *data, size_t size, size_t count, void *userdata) {
  transfer *t = userdata;
  size_t length = size * count;
  return t->write(t->context, (const uint8_t *)data, length) == 0 ? length : 0;
}

static int on_progress(void *userdata, curl_off_t total, curl_off_t now, curl_off_t up_total, curl_off_t up_now) {
  (void)up_total;
  (void)up_now;
  transfer *t = userdata;
  return t->progress ? t->progress(t->context, (int64_t)now, (int64_t)total) : 0;
}

int memento_http_get(const char *url, int64_t resume_from, long connect_timeout, long stall_timeout,
                     memento_http_write write, memento_http_progress progress, void *context,
                     memento_http_result *result) {
  memset(result, 0, sizeof(*result));
  CURL *curl = curl_easy_init();
  if (!curl) {
    result->curl_code = CURLE_FAILED_INIT;
    strncpy(result->error, "libcurl could not start", sizeof(result->error) - 1);
    return result->curl_code;
  }
  transfer t = {write, progress, context};
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  /* An error page must never be mistaken for the file: HTTP >= 400 delivers no body. */
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, connect_timeout);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, stall_timeout);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "memento/0.1");
  if (resume_from > 0) curl_easy_setopt(curl, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)resume_from);
  CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result->status);
  result->curl_code = (int)code;
  if (code != CURLE_OK) strncpy(result->error, error[0] ? error : curl_easy_strerror(code), sizeof(result->error) - 1);
  curl_easy_cleanup(curl);
  return result->curl_code;
}
