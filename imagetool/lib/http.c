/* HTTP transfers on one curl multi handle, whose connection cache lets
 * requests to the same registry reuse connections. */
#include "http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "keel/cleanup.h"

#define ERROR_BODY_MAX (64u << 10)
/* Large reads mean fewer write(2) calls on the blob file. */
#define RECV_BUFFER (512L << 10)

/* The deadlines of every transfer (README "Registry deadlines"), in
 * milliseconds, from the environment where it sets them. */
struct http_deadlines {
    long connect_ms;      /* KEEL_IMAGE_CONNECT_TIMEOUT: the TCP (and TLS) connection */
    long headers_ms;      /* KEEL_IMAGE_HEADERS_TIMEOUT: the response headers, once connected */
    long low_speed_bytes; /* KEEL_IMAGE_LOW_SPEED_LIMIT (bytes/s), below which a transfer */
    long low_speed_ms;    /* KEEL_IMAGE_LOW_SPEED_TIME: for this long is stalled */
};

struct http_client {
    CURLM *multi;
    struct http_deadlines limits;
};

struct xfer {
    struct http_request *req;
    CURL *easy;
    struct curl_slist *headers;
    long status;      /* of the response whose body is arriving */
    int64_t received; /* body bytes of that response */
    int64_t sent;     /* request body bytes read so far */
    long long body_sent_ms; /* when the last of the request body was read, or 0 */
    long long not_before_ms;
    long long started_ms;
    long headers_ms;        /* from the connection to the response headers */
    bool running, finished;
    bool any_header;        /* of the current response */
    bool headers_timed_out; /* aborted by the headers deadline */
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A positive number from the environment (def when unset), times scale:
 * seconds (a fraction allowed) in ms with 1000, bytes with 1. */
static int env_number(const char *name, const char *unit, long def, double scale, long *out,
                      keel_err *err)
{
    const char *v = getenv(name);
    *out = def;
    if (v == NULL || *v == '\0')
        return 0;
    char *end;
    double n = strtod(v, &end);
    if (*end != '\0' || !(n * scale >= 1) || n > 1e9)
        return keel_error(err, EINVAL, "%s=%s: expected a positive number of %s", name, v, unit);
    *out = (long)(n * scale);
    return 0;
}

static int deadlines_from_env(struct http_deadlines *d, keel_err *err)
{
    if (env_number("KEEL_IMAGE_CONNECT_TIMEOUT", "seconds", 15000, 1000, &d->connect_ms, err) < 0 ||
        env_number("KEEL_IMAGE_HEADERS_TIMEOUT", "seconds", 30000, 1000, &d->headers_ms, err) < 0 ||
        env_number("KEEL_IMAGE_LOW_SPEED_TIME", "seconds", 30000, 1000, &d->low_speed_ms, err) < 0 ||
        env_number("KEEL_IMAGE_LOW_SPEED_LIMIT", "bytes per second", 1024, 1, &d->low_speed_bytes,
                   err) < 0)
        return -1;
    return 0;
}

struct http_client *http_client_new(keel_err *err)
{
    struct http_deadlines limits;
    if (deadlines_from_env(&limits, err) < 0)
        return NULL;
    static bool initialised;
    if (!initialised) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            keel_error(err, 0, "initialise libcurl");
            return NULL;
        }
        initialised = true;
    }
    struct http_client *c = calloc(1, sizeof *c);
    if (c == NULL) {
        keel_syserror(err, "http client");
        return NULL;
    }
    c->limits = limits;
    c->multi = curl_multi_init();
    if (c->multi == NULL) {
        free(c);
        keel_error(err, 0, "initialise libcurl multi handle");
        return NULL;
    }
    return c;
}

void http_client_free(struct http_client *c)
{
    if (c == NULL)
        return;
    curl_multi_cleanup(c->multi);
    free(c);
}

void http_response_release(struct http_response *r)
{
    free(r->content_type);
    free(r->content_digest);
    free(r->www_authenticate);
    free(r->retry_after);
    free(r->location);
    free(r->range);
    free(r->effective_url);
    free(r->body);
    memset(r, 0, sizeof *r);
    r->content_length = -1;
}

static void set_header(char **slot, const char *v, size_t n)
{
    while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    while (n > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    free(*slot);
    *slot = strndup(v, n);
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *arg)
{
    struct xfer *x = arg;
    struct http_response *r = &x->req->resp;
    size_t n = size * nitems;
    x->any_header = true;
    if (n >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
        /* a new response (after a redirect or 100-continue): forget the last one's headers */
        char *keep_body = r->body;
        size_t keep_len = r->body_len;
        r->body = NULL;
        http_response_release(r);
        r->body = keep_body;
        r->body_len = keep_len;
        return n;
    }
    const char *colon = memchr(buf, ':', n);
    if (colon == NULL)
        return n;
    size_t klen = (size_t)(colon - buf);
    const char *v = colon + 1;
    size_t vlen = n - klen - 1;
    struct {
        const char *name;
        char **slot;
    } wanted[] = {
        {"content-type", &r->content_type},
        {"docker-content-digest", &r->content_digest},
        {"www-authenticate", &r->www_authenticate},
        {"retry-after", &r->retry_after},
        {"location", &r->location},
        {"range", &r->range},
    };
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
        if (strlen(wanted[i].name) == klen && strncasecmp(buf, wanted[i].name, klen) == 0)
            set_header(wanted[i].slot, v, vlen);
    if (klen == 14 && strncasecmp(buf, "content-length", 14) == 0)
        r->content_length = strtoll(v, NULL, 10);
    return n;
}

static int buffer_body(struct http_response *r, const char *buf, size_t n, size_t max)
{
    if (r->body_len + n > max)
        return -1;
    char *b = realloc(r->body, r->body_len + n + 1);
    if (b == NULL)
        return -1;
    memcpy(b + r->body_len, buf, n);
    r->body = b;
    r->body_len += n;
    b[r->body_len] = '\0';
    return 0;
}

static size_t on_body(char *buf, size_t size, size_t nmemb, void *arg)
{
    struct xfer *x = arg;
    struct http_request *req = x->req;
    size_t n = size * nmemb;
    long status = 0;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status != x->status) {
        /* the body of a new response: drop what an earlier one (a redirect) left */
        x->status = status;
        x->received = 0;
        free(req->resp.body);
        req->resp.body = NULL;
        req->resp.body_len = 0;
    }
    bool ok = status >= 200 && status < 300;
    if (ok && req->sink != NULL) {
        if (req->sink(req->sink_arg, buf, n, &req->sink_err) < 0) {
            req->sink_failed = true;
            return CURL_WRITEFUNC_ERROR;
        }
    } else if (buffer_body(&req->resp, buf, n, ok ? req->max_body : ERROR_BODY_MAX) < 0) {
        if (!ok)
            return n; /* an error body is only a hint: keep its start */
        keel_error(&req->sink_err, 0, "%s: response larger than %zu bytes", req->url,
                   req->max_body);
        req->sink_failed = true;
        return CURL_WRITEFUNC_ERROR;
    }
    x->received += (int64_t)n;
    if (ok && req->progress != NULL) {
        int64_t base = status == 206 ? req->resume_from : 0, total = req->resp.content_length;
        req->progress(req->progress_arg, base + x->received, total >= 0 ? base + total : -1);
    }
    return n;
}

/* The request body, from memory or read from the file at its offset. */
static size_t on_read(char *buf, size_t size, size_t nitems, void *arg)
{
    struct xfer *x = arg;
    struct http_request *req = x->req;
    size_t want = size * nitems;
    int64_t left = req->body_len - x->sent;
    if (left <= 0)
        return 0;
    if ((int64_t)want > left)
        want = (size_t)left;
    if (req->body_buf != NULL) {
        memcpy(buf, (const char *)req->body_buf + x->sent, want);
    } else {
        ssize_t n = pread(req->body_fd, buf, want, (off_t)(req->body_off + x->sent));
        if (n <= 0) {
            keel_error(&req->sink_err, n < 0 ? errno : EIO, "%s: read the body to send", req->url);
            req->sink_failed = true;
            return CURL_READFUNC_ABORT;
        }
        want = (size_t)n;
    }
    x->sent += (int64_t)want;
    if (x->sent == req->body_len)
        x->body_sent_ms = now_ms();
    if (req->progress != NULL)
        req->progress(req->progress_arg, x->sent, req->body_len);
    return want;
}

/* curl sends a body again (a reused connection found closed, a redirect):
 * back to where it asks. */
static int on_seek(void *arg, curl_off_t offset, int origin)
{
    struct xfer *x = arg;
    if (origin != SEEK_SET || offset < 0 || offset > x->req->body_len)
        return CURL_SEEKFUNC_CANTSEEK;
    x->sent = offset;
    return CURL_SEEKFUNC_OK;
}

/* The method: GET, HEAD, or one that sends a body (with a Content-Length,
 * and without curl's wait for a 100 Continue). */
static void set_method(struct xfer *x)
{
    struct http_request *req = x->req;
    CURL *e = x->easy;
    if (req->method == NULL)
        return;
    if (strcmp(req->method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        return;
    }
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->body_len);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(e, CURLOPT_READDATA, x);
    curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(e, CURLOPT_SEEKDATA, x);
    curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, 2L << 20);
}

static int add_headers(struct xfer *x, const char *const *h, size_t n, keel_err *err)
{
    for (size_t i = 0; i < n; i++) {
        struct curl_slist *l = curl_slist_append(x->headers, h[i]);
        if (l == NULL)
            return keel_error(err, 0, "%s: out of memory", x->req->url);
        x->headers = l;
    }
    return 0;
}

/* The headers deadline: libcurl has one for the connection and a low-speed
 * limit, but nothing for a server that accepts and then says nothing. */
static int on_xferinfo(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    struct xfer *x = arg;
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    curl_off_t connected_us = 0;
    if (x->any_header || curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &connected_us) != CURLE_OK ||
        connected_us == 0)
        return 0; /* answered, or not connected yet (CONNECTTIMEOUT's part) */
    /* a request body being sent (a blob upload) is not a silent server: the
     * deadline runs from its end */
    if (x->sent < x->req->body_len)
        return 0;
    long long from = x->started_ms + connected_us / 1000;
    if (x->body_sent_ms > from)
        from = x->body_sent_ms;
    if (now_ms() - from < x->headers_ms)
        return 0;
    x->headers_timed_out = true;
    return 1;
}

static int xfer_start(struct http_client *c, struct xfer *x, keel_err *err)
{
    struct http_request *req = x->req;
    http_response_release(&req->resp);
    req->curl_code = 0;
    req->curl_error[0] = '\0';
    req->sink_failed = false;
    req->attempts++;
    x->status = 0;
    x->received = 0;
    x->sent = 0;
    x->body_sent_ms = 0;
    x->any_header = x->headers_timed_out = false;
    x->started_ms = now_ms();
    x->headers_ms = c->limits.headers_ms;
    x->easy = curl_easy_init();
    if (x->easy == NULL)
        return keel_error(err, 0, "%s: cannot create a curl handle", req->url);
    curl_slist_free_all(x->headers);
    x->headers = NULL;
    static const char *const no_expect[] = {"Expect:"};
    if (add_headers(x, req->headers, req->nheaders, err) < 0 ||
        add_headers(x, req->extra_headers, req->nextra, err) < 0 ||
        (req->method != NULL && add_headers(x, no_expect, 1, err) < 0))
        return -1;
    CURL *e = x->easy;
    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
    curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)req->resume_from);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(e, CURLOPT_UNRESTRICTED_AUTH, 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->curl_error);
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, RECV_BUFFER);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->limits.connect_ms);
    /* a stalled transfer counts as a dropped connection (curl checks each second) */
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, c->limits.low_speed_bytes);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (c->limits.low_speed_ms + 999) / 1000);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_xferinfo);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, x);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "keel-image/0.1");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    set_method(x);
    if (curl_multi_add_handle(c->multi, e) != CURLM_OK)
        return keel_error(err, 0, "%s: cannot start the transfer", req->url);
    x->running = true;
    return 0;
}

/* A finished transfer: record the outcome and ask the caller what next. */
static void xfer_finish(struct http_client *c, struct xfer *x, CURLcode code)
{
    struct http_request *req = x->req;
    if (x->headers_timed_out) {
        code = CURLE_OPERATION_TIMEDOUT;
        snprintf(req->curl_error, sizeof req->curl_error, "no response headers within %.1f s",
                 (double)x->headers_ms / 1000);
    }
    if (code == CURLE_OPERATION_TIMEDOUT)
        req->timeouts++;
    req->curl_code = (int)code;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &req->resp.status);
    char *url = NULL;
    if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url != NULL)
        req->resp.effective_url = strdup(url);
    if (code != CURLE_OK && req->curl_error[0] == '\0')
        snprintf(req->curl_error, sizeof req->curl_error, "%s", curl_easy_strerror(code));
    curl_multi_remove_handle(c->multi, x->easy);
    curl_easy_cleanup(x->easy);
    x->easy = NULL;
    x->running = false;
    long delay = req->done != NULL ? req->done(req->done_arg, req) : 0;
    if (delay > 0)
        x->not_before_ms = now_ms() + delay;
    else
        x->finished = true;
}

static void xfers_free(struct xfer *xs, size_t n, CURLM *multi)
{
    for (size_t i = 0; i < n; i++) {
        if (xs[i].easy != NULL) {
            curl_multi_remove_handle(multi, xs[i].easy);
            curl_easy_cleanup(xs[i].easy);
        }
        curl_slist_free_all(xs[i].headers);
    }
    free(xs);
}

int http_run(struct http_client *c, struct http_request *const *reqs, size_t n, int parallel,
             keel_err *err)
{
    struct xfer *xs = calloc(n ? n : 1, sizeof *xs);
    if (xs == NULL)
        return keel_syserror(err, "http transfers");
    for (size_t i = 0; i < n; i++) {
        xs[i].req = reqs[i];
        reqs[i]->attempts = reqs[i]->timeouts = 0;
        reqs[i]->resp.content_length = -1;
    }
    size_t left = n;
    int ret = 0;
    while (left > 0) {
        long long now = now_ms(), wait = 1000;
        int running = 0;
        for (size_t i = 0; i < n; i++)
            running += xs[i].running;
        for (size_t i = 0; i < n && running < parallel; i++) {
            struct xfer *x = &xs[i];
            if (x->running || x->finished)
                continue;
            if (x->not_before_ms > now) {
                if (x->not_before_ms - now < wait)
                    wait = x->not_before_ms - now;
                continue;
            }
            if (xfer_start(c, x, err) < 0) {
                ret = -1;
                goto out;
            }
            running++;
        }
        int still = 0;
        if (curl_multi_perform(c->multi, &still) != CURLM_OK) {
            ret = keel_error(err, 0, "http transfer failed");
            goto out;
        }
        CURLMsg *m;
        int queued;
        bool progressed = false;
        while ((m = curl_multi_info_read(c->multi, &queued)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            struct xfer *x = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            CURLcode code = m->data.result;
            xfer_finish(c, x, code);
            left -= x->finished;
            progressed = true;
        }
        if (!progressed && left > 0)
            curl_multi_poll(c->multi, NULL, 0, (int)(still > 0 ? (wait < 1000 ? wait : 1000) : wait),
                            NULL);
    }
out:
    xfers_free(xs, n, c->multi);
    return ret;
}

const char *http_failure(const struct http_request *r, char *buf, size_t len)
{
    if (r->sink_failed)
        snprintf(buf, len, "%s", r->sink_err.msg);
    else if (r->curl_code != 0)
        snprintf(buf, len, "%s", r->curl_error);
    else
        snprintf(buf, len, "HTTP %ld", r->resp.status);
    return buf;
}

bool http_transport_retryable(const struct http_request *r)
{
    switch (r->curl_code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return !r->sink_failed;
    default:
        return false;
    }
}

bool http_range_refused(const struct http_request *r)
{
    return r->curl_code == CURLE_RANGE_ERROR || r->curl_code == CURLE_BAD_DOWNLOAD_RESUME;
}
