/* Each blob's upload is a small state machine over one http_request: its
 * done callback looks at the answer, sets up the next request and asks
 * http_run to run it again, so that many blobs go at once on shared
 * connections. A 401 ends the round; registry_run authenticates and runs
 * the blob's pending step again. */
#include "upload.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keel/cleanup.h"
#include "registry_internal.h"

enum step { ST_HEAD, ST_MOUNT, ST_START, ST_PUT, ST_PATCH, ST_STATUS, ST_FINISH, ST_DONE };

struct upload {
    struct registry *reg;
    struct registry_upload *u;
    struct http_request req;
    enum step step;
    char *url;
    char *location; /* the upload session's URL, absolute */
    int64_t offset; /* bytes the registry holds */
    int64_t chunk;
    int failures;
    bool failed;    /* req holds the answer that ended it */
    bool oom;
    char range[64];
    const char *hdrs[2];
};

bool upload_is_monolithic(int64_t size, int64_t chunk)
{
    return size <= chunk;
}

int64_t upload_chunk_end(int64_t offset, int64_t size, int64_t chunk)
{
    return size - offset > chunk ? offset + chunk : size;
}

int64_t upload_range_next(const char *range)
{
    if (range == NULL)
        return 0;
    if (strncmp(range, "bytes=", 6) == 0)
        range += 6;
    char *end;
    long long a = strtoll(range, &end, 10);
    if (end == range || *end != '-' || a != 0)
        return -1;
    const char *b = end + 1;
    long long n = strtoll(b, &end, 10);
    if (end == b || *end != '\0' || n < 0)
        return -1;
    /* distribution answers "0-0" for an empty upload as well as for one
     * byte: taking it as empty costs a byte sent again at worst */
    return n == 0 ? 0 : (int64_t)n + 1;
}

char *upload_url(const char *base, const char *location, const char *digest)
{
    char *url = NULL;
    const char *prefix = location[0] == '/' ? base : "";
    int r = digest == NULL ? asprintf(&url, "%s%s", prefix, location)
                           : asprintf(&url, "%s%s%cdigest=%s", prefix, location,
                                      strchr(location, '?') ? '&' : '?', digest);
    return r < 0 ? NULL : url;
}

/* Sets the request up for step st. */
static void set_step(struct upload *up, enum step st)
{
    struct registry *r = up->reg;
    const struct registry_upload *u = up->u;
    struct http_request *req = &up->req;
    free(up->url);
    up->url = NULL;
    up->step = st;
    req->method = NULL;
    req->body_buf = NULL;
    req->body_off = req->body_len = 0;
    req->nextra = 0;
    int rc = 0;
    switch (st) {
    case ST_HEAD:
        req->method = "HEAD";
        rc = asprintf(&up->url, "%s/v2/%s/blobs/%s", r->base, r->repo, u->digest);
        break;
    case ST_MOUNT:
        req->method = "POST";
        rc = asprintf(&up->url, "%s/v2/%s/blobs/uploads/?mount=%s&from=%s", r->base, r->repo,
                      u->digest, u->mount_from);
        break;
    case ST_START:
        req->method = "POST";
        rc = asprintf(&up->url, "%s/v2/%s/blobs/uploads/", r->base, r->repo);
        break;
    case ST_PUT:
    case ST_FINISH:
        req->method = "PUT";
        up->url = upload_url(r->base, up->location, u->digest);
        req->body_len = st == ST_PUT ? u->size : 0;
        break;
    case ST_PATCH: {
        int64_t end = upload_chunk_end(up->offset, u->size, up->chunk);
        req->method = "PATCH";
        req->body_off = up->offset;
        req->body_len = end - up->offset;
        snprintf(up->range, sizeof up->range, "Content-Range: %" PRId64 "-%" PRId64, up->offset,
                 end - 1);
        up->hdrs[1] = up->range;
        req->nextra = 2;
        up->url = upload_url(r->base, up->location, NULL);
        break;
    }
    case ST_STATUS:
        up->url = upload_url(r->base, up->location, NULL);
        break;
    case ST_DONE:
        return;
    }
    if (st == ST_PUT)
        req->nextra = 1;
    if (rc < 0 || up->url == NULL) {
        up->oom = true;
        up->step = ST_DONE;
    }
    req->url = up->url ? up->url : "";
}

static bool take_location(struct upload *up)
{
    const char *loc = up->req.resp.location;
    if (loc == NULL || loc[0] == '\0')
        return false;
    char *copy = strdup(loc);
    if (copy == NULL)
        return false;
    free(up->location);
    up->location = copy;
    return true;
}

static long finish(struct upload *up, enum upload_result res)
{
    up->u->result = res;
    up->step = ST_DONE;
    if (up->u->finished != NULL)
        up->u->finished(up->u->arg, res);
    return 0;
}

static long fail(struct upload *up)
{
    up->failed = true;
    up->step = ST_DONE;
    return 0;
}

/* An upload session is open at offset: send the rest. */
static long send_from(struct upload *up, int64_t offset)
{
    up->offset = offset;
    if (up->step == ST_MOUNT || up->step == ST_START) {
        if (up->u->sending != NULL)
            up->u->sending(up->u->arg);
        set_step(up, upload_is_monolithic(up->u->size, up->chunk) ? ST_PUT : ST_PATCH);
    } else {
        set_step(up, offset >= up->u->size ? ST_FINISH : ST_PATCH);
    }
    return 1;
}

/* A dropped connection or a 5xx: where to go on from, after a delay. */
static long retry(struct upload *up)
{
    if (++up->failures >= up->reg->max_attempts)
        return fail(up);
    long delay = up->reg->backoff_ms;
    for (int i = 1; i < up->failures && delay < 10000; i++)
        delay *= 2;
    switch (up->step) {
    case ST_PATCH:
        set_step(up, ST_STATUS); /* how much arrived? */
        break;
    case ST_PUT:
    case ST_FINISH:
        set_step(up, ST_HEAD); /* it may have made it; else a new session */
        break;
    default:
        break; /* the same request again */
    }
    return delay > 0 ? delay : 1;
}

static long on_answer(struct upload *up, long status)
{
    switch (up->step) {
    case ST_HEAD:
        if (status == 200)
            return finish(up, UPLOAD_EXISTS);
        if (status != 404)
            return fail(up);
        set_step(up, up->u->mount_from != NULL ? ST_MOUNT : ST_START);
        return 1;
    case ST_MOUNT:
        if (status == 201)
            return finish(up, UPLOAD_MOUNTED);
        if (status == 202 && take_location(up))
            return send_from(up, 0);
        set_step(up, ST_START); /* the mount was refused: upload it */
        return 1;
    case ST_START:
        return status == 202 && take_location(up) ? send_from(up, 0) : fail(up);
    case ST_PUT:
    case ST_FINISH:
        return status == 201 ? finish(up, UPLOAD_PUSHED) : fail(up);
    case ST_PATCH:
        if (status == 416) {
            if (++up->failures >= up->reg->max_attempts)
                return fail(up);
            set_step(up, ST_STATUS); /* we and the registry disagree: ask it */
            return 1;
        }
        if (status != 202 && status != 204)
            return fail(up);
        take_location(up);
        int64_t next = up->req.resp.range ? upload_range_next(up->req.resp.range)
                                          : up->offset + up->req.body_len;
        return next < 0 ? fail(up) : send_from(up, next);
    case ST_STATUS:
        if (status == 404) {
            set_step(up, ST_START); /* the session is gone: a new one */
            return 1;
        }
        if (status != 204 && status != 200)
            return fail(up);
        take_location(up);
        int64_t at = upload_range_next(up->req.resp.range);
        return at < 0 || at > up->u->size ? fail(up) : send_from(up, at);
    case ST_DONE:
        break;
    }
    return 0;
}

static long upload_done(void *arg, struct http_request *req)
{
    struct upload *up = arg;
    if (req->sink_failed)
        return fail(up);
    if (req->curl_code == 0 && req->resp.status == 401 && up->step == ST_MOUNT) {
        set_step(up, ST_START); /* no pull access to the source: upload it */
        return 1;
    }
    if (req->curl_code == 0 && req->resp.status == 401)
        return 0; /* registry_run authenticates and runs this step again */
    if (http_transport_retryable(req) ||
        (req->curl_code == 0 && registry_status_retryable(req->resp.status)))
        return retry(up);
    if (req->curl_code != 0)
        return fail(up);
    long next = on_answer(up, req->resp.status);
    if (up->oom)
        return 0;
    return next;
}

static void upload_progress(void *arg, int64_t now, int64_t total)
{
    struct upload *up = arg;
    (void)total;
    if ((up->step == ST_PUT || up->step == ST_PATCH) && up->u->progress != NULL)
        up->u->progress(up->u->arg, up->offset + now, up->u->size);
}

static int upload_outcome(struct upload *up, keel_err *err)
{
    if (up->u->result != UPLOAD_PENDING)
        return 0;
    if (up->oom)
        return keel_syserror(err, "blob %s", up->u->digest);
    cleanup_free char *what = NULL;
    if (asprintf(&what, "blob %s", up->u->digest) < 0)
        return keel_syserror(err, "blob %s", up->u->digest);
    if (up->req.curl_code == 0 && !up->req.sink_failed && up->req.resp.status >= 200 &&
        up->req.resp.status < 300)
        return keel_error(err, 0, "%s: unexpected answer HTTP %ld to %s %s", what,
                          up->req.resp.status, up->req.method ? up->req.method : "GET",
                          up->req.url);
    return registry_request_error(&up->req, err, what);
}

int registry_push_blobs(struct registry *r, struct registry_upload *ups, size_t n, int parallel,
                        int64_t chunk, keel_err *err)
{
    if (n == 0)
        return 0;
    struct upload *all = calloc(n, sizeof *all);
    struct http_request **reqs = calloc(n, sizeof *reqs);
    int ret = 0;
    if (all == NULL || reqs == NULL)
        ret = keel_syserror(err, "push blobs");
    for (size_t i = 0; i < n && ret == 0; i++) {
        struct upload *up = &all[i];
        *up = (struct upload){.reg = r, .u = &ups[i],
                              .chunk = chunk > 0 ? chunk : UPLOAD_CHUNK_DEFAULT};
        up->hdrs[0] = "Content-Type: application/octet-stream";
        up->req = (struct http_request){.body_fd = ups[i].fd, .extra_headers = up->hdrs,
                                        .max_body = 1u << 20, .progress = upload_progress,
                                        .progress_arg = up, .done = upload_done,
                                        .done_arg = up};
        ups[i].result = UPLOAD_PENDING;
        set_step(up, ST_HEAD);
        if (up->oom)
            ret = keel_syserror(err, "push blobs");
        reqs[i] = &up->req;
    }
    if (ret == 0)
        ret = registry_run(r, reqs, n, parallel, NULL, err);
    for (size_t i = 0; i < n && ret == 0; i++)
        ret = upload_outcome(&all[i], err);
    for (size_t i = 0; all != NULL && i < n; i++) {
        free(all[i].url);
        free(all[i].location);
        http_response_release(&all[i].req.resp);
    }
    free(all);
    free(reqs);
    return ret;
}
