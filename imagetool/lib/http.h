/* HTTP over libcurl's multi interface: several requests run in parallel on
 * shared connections, each body streamed to its own sink. */
#ifndef KEEL_IMAGE_HTTP_H
#define KEEL_IMAGE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keel/error.h"

struct http_client;

struct http_client *http_client_new(keel_err *err);
void http_client_free(struct http_client *c);

struct http_response {
    long status;
    char *content_type;
    char *content_digest; /* Docker-Content-Digest */
    char *www_authenticate;
    char *retry_after;
    char *location;       /* Location (an upload's URL) */
    char *range;          /* Range (an upload's progress: "0-N") */
    char *effective_url;  /* after redirects */
    char *body;           /* the body when there is no sink, or a non-2xx body (capped) */
    size_t body_len;
    int64_t content_length; /* -1 when unknown */
};

/* A request. The caller fills the first block; http_run fills the rest. */
struct http_request {
    const char *url;
    /* NULL is GET; "HEAD", or a method that sends a body (PUT, PATCH, POST):
     * body_len bytes from body_buf, or else from body_fd at body_off (the
     * Content-Length is always sent, 0 for none). */
    const char *method;
    const void *body_buf;
    int body_fd;
    int64_t body_off, body_len;
    /* "Name: value" lines; an Authorization line is only sent to the first
     * host: libcurl drops it when a redirect leads elsewhere. */
    const char *const *headers;
    size_t nheaders;
    /* More header lines of this request alone (Content-Type, Content-Range). */
    const char *const *extra_headers;
    size_t nextra;
    /* A 2xx body goes to sink when set (returning -1 with err set stops the
     * transfer), else into resp.body up to max_body bytes. */
    int (*sink)(void *arg, const void *buf, size_t len, keel_err *err);
    void *sink_arg;
    size_t max_body;
    /* Ask for the body from this offset on (a resumed download); a server
     * that ignores the Range fails the transfer with curl's range error. */
    int64_t resume_from;
    /* Called as the body arrives: bytes so far and the total (-1 unknown),
     * counting a resumed download's first part; for a request that sends a
     * body, as it leaves (bytes of this request's body and body_len). */
    void (*progress)(void *arg, int64_t now, int64_t total);
    void *progress_arg;
    /* Called when the request is over (whatever the status). Returns 0 when
     * done, or a delay in milliseconds after which the request runs again
     * (its response is cleared first). */
    long (*done)(void *arg, struct http_request *r);
    void *done_arg;

    struct http_response resp;
    int curl_code;  /* 0 (CURLE_OK) or the transport error */
    char curl_error[256];
    bool sink_failed; /* the sink refused data; sink_err says why */
    keel_err sink_err;
    int attempts;
    int timeouts;   /* attempts that hit a deadline (http.c) */
    void *priv;
};

/* Runs the requests, at most `parallel` at a time, until each one's done
 * callback (if any) says it is finished. Transport failures and HTTP error
 * statuses are left in each request for the caller; this fails only when
 * the transfer machinery itself does. */
int http_run(struct http_client *c, struct http_request *const *reqs, size_t n, int parallel,
             keel_err *err);
/* Frees a response's strings and zeroes it. */
void http_response_release(struct http_response *r);
/* A short description of what went wrong with a finished request: the
 * transport error, or "HTTP <status>". */
const char *http_failure(const struct http_request *r, char *buf, size_t len);
/* Transport errors worth retrying: dropped or refused connections, timeouts. */
bool http_transport_retryable(const struct http_request *r);
/* The server did not honour resume_from. */
bool http_range_refused(const struct http_request *r);

#endif
