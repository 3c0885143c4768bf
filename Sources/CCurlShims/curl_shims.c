#include "curl_shims.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* libcurl is loaded on the first download, not linked: with its TLS, LDAP, Kerberos and SSH
 * dependencies it is some thirty libraries, about 10 ms of relocation at every start of every
 * memento process (the runner included), and most never fetch anything. */
typedef struct curl_api {
  CURL *(*easy_init)(void);
  CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
  CURLcode (*easy_perform)(CURL *);
  CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
  void (*easy_cleanup)(CURL *);
  const char *(*easy_strerror)(CURLcode);
} curl_api;

static curl_api curl;
static char load_failure[200];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load_curl(void) {
  void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    snprintf(load_failure, sizeof load_failure, "cannot load libcurl: %s; install libcurl4", dlerror());
    return;
  }
  /* POSIX lets a dlsym result be converted to a function pointer this way. */
  *(void **)&curl.easy_init = dlsym(library, "curl_easy_init");
  *(void **)&curl.easy_setopt = dlsym(library, "curl_easy_setopt");
  *(void **)&curl.easy_perform = dlsym(library, "curl_easy_perform");
  *(void **)&curl.easy_getinfo = dlsym(library, "curl_easy_getinfo");
  *(void **)&curl.easy_cleanup = dlsym(library, "curl_easy_cleanup");
  *(void **)&curl.easy_strerror = dlsym(library, "curl_easy_strerror");
  if (!curl.easy_init || !curl.easy_setopt || !curl.easy_perform || !curl.easy_getinfo || !curl.easy_cleanup ||
      !curl.easy_strerror) {
    snprintf(load_failure, sizeof load_failure, "libcurl.so.4 lacks the curl_easy functions memento needs");
    curl.easy_init = NULL;
  }
}

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
  pthread_once(&load_once, load_curl);
  if (!curl.easy_init) {
    result->curl_code = CURLE_FAILED_INIT;
    strncpy(result->error, load_failure, sizeof(result->error) - 1);
    return result->curl_code;
  }
  CURL *handle = curl.easy_init();
  if (!handle) {
    result->curl_code = CURLE_FAILED_INIT;
    strncpy(result->error, "libcurl could not start", sizeof(result->error) - 1);
    return result->curl_code;
  }
  transfer t = {write, progress, context};
  char error[CURL_ERROR_SIZE] = {0};
  curl.easy_setopt(handle, CURLOPT_URL, url);
  curl.easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
  curl.easy_setopt(handle, CURLOPT_MAXREDIRS, 5L);
  curl.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  /* An error page must never be mistaken for the file: HTTP >= 400 delivers no body. */
  curl.easy_setopt(handle, CURLOPT_FAILONERROR, 1L);
  curl.easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, connect_timeout);
  curl.easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl.easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, stall_timeout);
  curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  curl.easy_setopt(handle, CURLOPT_WRITEDATA, &t);
  curl.easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl.easy_setopt(handle, CURLOPT_XFERINFODATA, &t);
  curl.easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
  curl.easy_setopt(handle, CURLOPT_USERAGENT, "memento/0.1");
  if (resume_from > 0) curl.easy_setopt(handle, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)resume_from);
  CURLcode code = curl.easy_perform(handle);
  curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &result->status);
  result->curl_code = (int)code;
  if (code != CURLE_OK) strncpy(result->error, error[0] ? error : curl.easy_strerror(code), sizeof(result->error) - 1);
  curl.easy_cleanup(handle);
  return result->curl_code;
}
