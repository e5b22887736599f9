/* The distribution API as a puller uses it (distribution-spec spec.md), with
 * docker's token auth (token.md) and Basic auth. */
#include "registry.h"
#include "registry_internal.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "docker_config.h"
#include "http.h"
#include "keel/cleanup.h"
#include "keel/distribution.h"
#include "keel/image_spec.h"

#define DEFAULT_ATTEMPTS 5
#define DEFAULT_BACKOFF_MS 250L
#define MAX_BACKOFF_MS 10000L

static const char *const manifest_accept =
    "Accept: " OCI_MEDIA_INDEX ", " OCI_MEDIA_MANIFEST ", " DOCKER_MEDIA_MANIFEST_LIST
    ", " DOCKER_MEDIA_MANIFEST ", " DOCKER_MEDIA_MANIFEST_V1_SIGNED ";q=0.1, "
    DOCKER_MEDIA_MANIFEST_V1 ";q=0.1";

/* --- retries ------------------------------------------------------------- */

bool registry_status_retryable(long s)
{
    return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

/* The delay before attempt n+1: exponential, or what Retry-After asks (capped). */
static long backoff(const struct registry *r, const struct http_request *req)
{
    if (req->resp.retry_after != NULL) {
        char *end;
        long secs = strtol(req->resp.retry_after, &end, 10);
        if (*end == '\0' && secs >= 0)
            return secs * 1000 > MAX_BACKOFF_MS ? MAX_BACKOFF_MS : (secs > 0 ? secs * 1000 : 1);
    }
    long d = r->backoff_ms;
    for (int i = 1; i < req->attempts && d < MAX_BACKOFF_MS; i++)
        d *= 2;
    return d > MAX_BACKOFF_MS ? MAX_BACKOFF_MS : d;
}

static bool should_retry(const struct registry *r, const struct http_request *req)
{
    if (req->attempts >= r->max_attempts || req->sink_failed)
        return false;
    /* a stalled server gets one more chance, not four: a pull that stalls
     * fails within two deadlines (about a minute by default) */
    if (req->timeouts >= 2)
        return false;
    return http_transport_retryable(req) || (req->curl_code == 0 && registry_status_retryable(req->resp.status));
}

static long retry_plain(void *arg, struct http_request *req)
{
    struct registry *r = arg;
    return should_retry(r, req) ? backoff(r, req) : 0;
}

/* --- errors -------------------------------------------------------------- */

/* "HTTP 404: MANIFEST_UNKNOWN: manifest unknown" from a finished request. */
int registry_request_error(const struct http_request *req, keel_err *err, const char *what)
{
    char buf[512];
    http_failure(req, buf, sizeof buf);
    if (req->sink_failed) {
        *err = req->sink_err;
        return keel_error_wrap(err, "%s", what);
    }
    struct dist_error_body body;
    keel_err ignored;
    if (req->curl_code == 0 && req->resp.body != NULL &&
        spec_parse(&spec_type_dist_error_body, req->resp.body, req->resp.body_len, "error",
                   &body, &ignored) == 0) {
        int ret = -1;
        if (body.errors_len > 0)
            ret = keel_error(err, 0, "%s: %s: %s: %s", what, buf,
                             body.errors[0].code ? body.errors[0].code : "?",
                             body.errors[0].message ? body.errors[0].message : "");
        spec_release(&spec_type_dist_error_body, &body);
        if (ret < 0)
            return ret;
    }
    return keel_error(err, 0, "%s: %s", what, buf);
}

/* --- auth ---------------------------------------------------------------- */

static const char *cached_token(struct registry *r, const char *scope)
{
    for (size_t i = 0; i < r->ntokens; i++)
        if (strcmp(r->tokens[i].scope, scope) == 0)
            return r->tokens[i].header;
    return NULL;
}

static void drop_token(struct registry *r, const char *scope)
{
    for (size_t i = 0; i < r->ntokens; i++) {
        if (strcmp(r->tokens[i].scope, scope) != 0)
            continue;
        if (r->auth_header == r->tokens[i].header)
            r->auth_header = NULL;
        free(r->tokens[i].scope);
        free(r->tokens[i].header);
        memmove(&r->tokens[i], &r->tokens[i + 1], (r->ntokens - i - 1) * sizeof r->tokens[0]);
        r->ntokens--;
        return;
    }
}

static const char *cache_token(struct registry *r, const char *scope, const char *token)
{
    drop_token(r, scope);
    if (r->ntokens == REGISTRY_TOKEN_CACHE) {
        free(r->tokens[0].scope);
        free(r->tokens[0].header);
        memmove(&r->tokens[0], &r->tokens[1], (REGISTRY_TOKEN_CACHE - 1) * sizeof r->tokens[0]);
        r->ntokens--;
    }
    struct registry_token *t = &r->tokens[r->ntokens];
    t->scope = strdup(scope);
    if (t->scope == NULL || asprintf(&t->header, "Authorization: Bearer %s", token) < 0) {
        free(t->scope);
        return NULL;
    }
    r->ntokens++;
    return t->header;
}

/* realm?scope=A&scope=B&service=S: a challenge asking for several scopes
 * separates them with spaces, the token request repeats the parameter. */
static char *token_url(const struct auth_challenge *c, const char *scope)
{
    CURL *e = curl_easy_init();
    char *url = NULL;
    if (e == NULL || asprintf(&url, "%s", c->realm) < 0) {
        curl_easy_cleanup(e);
        return NULL;
    }
    char sep = strchr(c->realm, '?') ? '&' : '?';
    for (const char *p = scope; url != NULL && *p != '\0';) {
        size_t n = strcspn(p, " ");
        char *sc = n > 0 ? curl_easy_escape(e, p, (int)n) : NULL;
        char *next = NULL;
        if (n > 0 && (sc == NULL || asprintf(&next, "%s%cscope=%s", url, sep, sc) < 0))
            next = NULL;
        if (n > 0) {
            free(url);
            url = next;
            sep = '&';
        }
        curl_free(sc);
        p += n + (p[n] == ' ');
    }
    char *svc = c->service ? curl_easy_escape(e, c->service, 0) : NULL;
    if (url != NULL && svc != NULL) {
        char *next = NULL;
        if (asprintf(&next, "%s%cservice=%s", url, sep, svc) < 0)
            next = NULL;
        free(url);
        url = next;
    } else if (c->service != NULL) {
        free(url);
        url = NULL;
    }
    curl_free(svc);
    curl_easy_cleanup(e);
    return url;
}

/* Asks the challenge's realm for a token for scope (token.md), with the
 * credentials when there are some. */
static int fetch_token(struct registry *r, const struct auth_challenge *c, const char *scope,
                       keel_err *err)
{
    /* a cached token the registry has just refused (expired) is fetched again */
    const char *hit = cached_token(r, scope);
    if (hit != NULL && hit != r->auth_header) {
        r->auth_header = hit;
        return 0;
    }
    cleanup_free char *url = token_url(c, scope);
    if (url == NULL)
        return keel_syserror(err, "token request to %s", c->realm);
    const char *headers[1];
    size_t nh = 0;
    if (r->have_creds)
        headers[nh++] = r->basic_header;
    struct http_request req = {.url = url, .headers = headers, .nheaders = nh,
                               .max_body = 1u << 20, .done = retry_plain, .done_arg = r};
    struct http_request *reqs[] = {&req};
    int ret = http_run(r->http, reqs, 1, 1, err);
    if (ret == 0 && (req.curl_code != 0 || req.resp.status != 200)) {
        if (req.curl_code == 0 && (req.resp.status == 401 || req.resp.status == 403))
            ret = keel_error(err, 0, "registry %s: the token server %s refused %s (HTTP %ld)",
                             r->domain, c->realm,
                             r->have_creds ? "the credentials" : "anonymous access; give --creds USER:PASS",
                             req.resp.status);
        else
            ret = registry_request_error(&req, err, "token server");
    }
    if (ret == 0) {
        struct dist_token_response tok;
        if (spec_parse(&spec_type_dist_token_response, req.resp.body, req.resp.body_len,
                       "token response", &tok, err) < 0) {
            ret = keel_error_wrap(err, "registry %s", r->domain);
        } else {
            const char *t = tok.token && tok.token[0] ? tok.token : tok.access_token;
            if (t == NULL || t[0] == '\0')
                ret = keel_error(err, 0, "registry %s: the token server %s sent no token",
                                 r->domain, c->realm);
            else if ((r->auth_header = cache_token(r, scope, t)) == NULL)
                ret = keel_syserror(err, "token");
            spec_release(&spec_type_dist_token_response, &tok);
        }
    }
    http_response_release(&req.resp);
    return ret;
}

/* Answers a 401's challenge: a Bearer token for its scope, or Basic. */
static int authenticate(struct registry *r, const char *www_authenticate, keel_err *err)
{
    if (www_authenticate == NULL)
        return keel_error(err, 0, "registry %s: HTTP 401 without a WWW-Authenticate challenge",
                          r->domain);
    struct auth_challenge c;
    if (auth_parse_challenge(www_authenticate, &c, err) < 0)
        return keel_error_wrap(err, "registry %s", r->domain);
    int ret;
    if (auth_is_bearer(&c)) {
        ret = fetch_token(r, &c, c.scope ? c.scope : r->default_scope, err);
        if (ret == 0) {
            auth_challenge_release(&r->bearer);
            r->bearer = c;
            memset(&c, 0, sizeof c);
        }
    } else if (auth_is_basic(&c)) {
        ret = r->have_creds ? 0
                            : keel_error(err, 0,
                                         "registry %s requires credentials: give --creds USER:PASS "
                                         "or add them to config.json",
                                         r->domain);
        r->auth_header = r->basic_header;
    } else {
        ret = keel_error(err, 0, "registry %s: unsupported authentication scheme %s", r->domain,
                         c.scheme);
    }
    auth_challenge_release(&c);
    return ret;
}

/* --- requests ------------------------------------------------------------ */

/* A request refused twice: what the registry said, and a hint. */
static int auth_failed(struct registry *r, const struct http_request *req, keel_err *err)
{
    cleanup_free char *what = NULL;
    if (asprintf(&what, "registry %s: authentication failed%s%s%s", r->domain,
                 r->repo[0] ? " for " : "", r->repo, r->have_creds ? " (wrong credentials, or no access?)" : " (give --creds USER:PASS)") < 0)
        return keel_syserror(err, "registry %s", r->domain);
    return registry_request_error(req, err, what);
}

int registry_add_scope(struct registry *r, const char *scope, keel_err *err)
{
    if (r->bearer.realm == NULL)
        return 0;
    cleanup_free char *both = NULL;
    if (asprintf(&both, "%s %s", r->default_scope, scope) < 0)
        return keel_syserror(err, "token scope");
    return fetch_token(r, &r->bearer, both, err);
}

/* Runs requests with the current Authorization; requests answered 401 get
 * one more go after authenticating with their challenge. */
int registry_run(struct registry *r, struct http_request **reqs, size_t n, int parallel,
                      const char *accept, keel_err *err)
{
    const char *headers[2][2];
    for (int round = 0; round < 2; round++) {
        size_t nh = 0;
        if (accept != NULL)
            headers[round][nh++] = accept;
        if (r->auth_header != NULL)
            headers[round][nh++] = r->auth_header;
        for (size_t i = 0; i < n; i++) {
            reqs[i]->headers = headers[round];
            reqs[i]->nheaders = nh;
        }
        if (http_run(r->http, reqs, n, parallel, err) < 0)
            return -1;
        const char *challenge = NULL;
        size_t again = 0;
        for (size_t i = 0; i < n; i++)
            if (reqs[i]->curl_code == 0 && reqs[i]->resp.status == 401) {
                challenge = reqs[i]->resp.www_authenticate;
                reqs[again++] = reqs[i];
            }
        if (again == 0)
            return 0;
        if (round == 1)
            return auth_failed(r, reqs[0], err);
        if (authenticate(r, challenge, err) < 0)
            return -1;
        n = again;
    }
    return 0;
}

static int ping(struct registry *r, keel_err *err)
{
    cleanup_free char *url = NULL;
    if (asprintf(&url, "%s/v2/", r->base) < 0)
        return keel_syserror(err, "ping");
    struct http_request req = {.url = url, .max_body = 1u << 20, .done = retry_plain,
                               .done_arg = r};
    struct http_request *reqs[] = {&req};
    int ret = http_run(r->http, reqs, 1, 1, err);
    if (ret == 0) {
        if (req.curl_code != 0)
            ret = keel_error(err, 0, "cannot reach registry %s: %s", url, req.curl_error);
        else if (req.resp.status == 401)
            ret = authenticate(r, req.resp.www_authenticate, err);
        else if (req.resp.status != 200)
            ret = keel_error(err, 0, "registry %s: %s answered HTTP %ld (not a v2 registry?)",
                             r->domain, url, req.resp.status);
    }
    http_response_release(&req.resp);
    return ret;
}

void registry_free(struct registry *r)
{
    if (r == NULL)
        return;
    http_client_free(r->http);
    free(r->domain);
    free(r->base);
    free(r->repo);
    free(r->default_scope);
    auth_challenge_release(&r->bearer);
    auth_creds_release(&r->creds);
    if (r->basic_header != NULL)
        explicit_bzero(r->basic_header, strlen(r->basic_header));
    free(r->basic_header);
    for (size_t i = 0; i < r->ntokens; i++) {
        free(r->tokens[i].scope);
        free(r->tokens[i].header);
    }
    free(r);
}

static int load_creds(struct registry *r, const char *creds, keel_err *err)
{
    if (creds != NULL) {
        if (auth_creds_parse(creds, &r->creds, err) < 0)
            return keel_error_wrap(err, "--creds");
        r->have_creds = true;
    } else if (docker_config_creds(r->domain, &r->creds, &r->have_creds, err) < 0) {
        return -1;
    }
    if (r->have_creds && (r->basic_header = auth_basic_header(&r->creds)) == NULL)
        return keel_syserror(err, "credentials");
    return 0;
}

struct registry *registry_open(const struct image_ref *ref, const struct registry_opts *o,
                               keel_err *err)
{
    struct registry *r = calloc(1, sizeof *r);
    if (r == NULL) {
        keel_syserror(err, "registry");
        return NULL;
    }
    r->max_attempts = o->max_attempts > 0 ? o->max_attempts : DEFAULT_ATTEMPTS;
    r->backoff_ms = o->backoff_ms > 0 ? o->backoff_ms : DEFAULT_BACKOFF_MS;
    bool plain = ref_is_loopback(ref) || o->insecure;
    r->domain = strdup(ref->domain);
    r->repo = strdup(ref->path);
    if (r->domain == NULL || r->repo == NULL ||
        asprintf(&r->base, "%s://%s", plain ? "http" : "https", ref_registry_host(ref)) < 0 ||
        (r->default_scope = ref->path[0] ? auth_scope(ref->path, o->push ? "pull,push" : "pull")
                                         : strdup("")) == NULL) {
        keel_syserror(err, "registry %s", ref->domain);
        registry_free(r);
        return NULL;
    }
    if (load_creds(r, o->creds, err) < 0 || (r->http = http_client_new(err)) == NULL ||
        ping(r, err) < 0) {
        registry_free(r);
        return NULL;
    }
    return r;
}

int registry_verify_login(const char *domain, const struct registry_opts *o, keel_err *err)
{
    struct image_ref ref = {.domain = (char *)domain, .path = ""};
    struct registry *r = registry_open(&ref, o, err);
    if (r == NULL)
        return -1;
    cleanup_free char *url = NULL;
    if (asprintf(&url, "%s/v2/", r->base) < 0) {
        registry_free(r);
        return keel_syserror(err, "login %s", domain);
    }
    struct http_request req = {.url = url, .max_body = 1u << 20, .done = retry_plain,
                               .done_arg = r};
    struct http_request *reqs[] = {&req};
    int ret = registry_run(r, reqs, 1, 1, NULL, err);
    if (ret == 0 && (req.curl_code != 0 || req.resp.status != 200))
        ret = registry_request_error(&req, err, url);
    http_response_release(&req.resp);
    registry_free(r);
    return ret;
}

/* --- manifests ----------------------------------------------------------- */

void registry_manifest_release(struct registry_manifest *m)
{
    free(m->body);
    free(m->media_type);
    memset(m, 0, sizeof *m);
}

int registry_get_manifest(struct registry *r, const char *reference, struct registry_manifest *out,
                          keel_err *err)
{
    memset(out, 0, sizeof *out);
    cleanup_free char *url = NULL;
    if (asprintf(&url, "%s/v2/%s/manifests/%s", r->base, r->repo, reference) < 0)
        return keel_syserror(err, "manifest %s", reference);
    struct http_request req = {.url = url, .max_body = STORE_DOC_MAX, .done = retry_plain,
                               .done_arg = r};
    struct http_request *reqs[] = {&req};
    int ret = registry_run(r, reqs, 1, 1, manifest_accept, err);
    cleanup_free char *what = NULL;
    if (asprintf(&what, "manifest %s/%s:%s", r->domain, r->repo, reference) < 0)
        what = NULL;
    if (ret == 0 && (req.curl_code != 0 || req.resp.status != 200 || req.sink_failed))
        ret = registry_request_error(&req, err, what ? what : reference);
    if (ret == 0) {
        digest_buffer(req.resp.body ? req.resp.body : "", req.resp.body_len, out->digest);
        const char *claimed = digest_is_valid(reference) ? reference : req.resp.content_digest;
        if (claimed != NULL && digest_is_valid(claimed) && strcmp(claimed, out->digest) != 0)
            ret = keel_error(err, 0, "%s: digest mismatch: expected %s, got %s", what, claimed,
                             out->digest);
    }
    if (ret == 0) {
        out->body = req.resp.body ? req.resp.body : strdup("");
        req.resp.body = NULL;
        out->len = req.resp.body_len;
        out->media_type = req.resp.content_type;
        req.resp.content_type = NULL;
        if (out->media_type != NULL)
            out->media_type[strcspn(out->media_type, ";")] = '\0';
    }
    http_response_release(&req.resp);
    return ret;
}

int registry_head_manifest(struct registry *r, const char *reference, char digest[DIGEST_BUF],
                           keel_err *err)
{
    digest[0] = '\0';
    cleanup_free char *url = NULL;
    if (asprintf(&url, "%s/v2/%s/manifests/%s", r->base, r->repo, reference) < 0)
        return keel_syserror(err, "manifest %s", reference);
    struct http_request req = {.url = url, .method = "HEAD", .done = retry_plain, .done_arg = r};
    struct http_request *reqs[] = {&req};
    int ret = registry_run(r, reqs, 1, 1, manifest_accept, err);
    if (ret == 0 && req.curl_code == 0 && req.resp.status == 200 &&
        digest_is_valid(req.resp.content_digest))
        snprintf(digest, DIGEST_BUF, "%s", req.resp.content_digest);
    http_response_release(&req.resp);
    return ret;
}

int registry_put_manifest(struct registry *r, const char *reference, const char *media_type,
                          const char *body, size_t len, keel_err *err)
{
    cleanup_free char *url = NULL, *ctype = NULL, *what = NULL;
    if (asprintf(&url, "%s/v2/%s/manifests/%s", r->base, r->repo, reference) < 0 ||
        asprintf(&ctype, "Content-Type: %s", media_type) < 0 ||
        asprintf(&what, "manifest %s/%s:%s", r->domain, r->repo, reference) < 0)
        return keel_syserror(err, "manifest %s", reference);
    const char *extra[] = {ctype};
    struct http_request req = {.url = url, .method = "PUT", .body_buf = body,
                               .body_len = (int64_t)len, .extra_headers = extra, .nextra = 1,
                               .max_body = 1u << 20, .done = retry_plain, .done_arg = r};
    struct http_request *reqs[] = {&req};
    int ret = registry_run(r, reqs, 1, 1, NULL, err);
    if (ret == 0 && (req.curl_code != 0 || req.resp.status != 201 || req.sink_failed))
        ret = registry_request_error(&req, err, what);
    char digest[DIGEST_BUF];
    digest_buffer(body, len, digest);
    if (ret == 0 && req.resp.content_digest != NULL && strcmp(req.resp.content_digest, digest) != 0)
        ret = keel_error(err, 0, "%s: the registry stored digest %s, not %s", what,
                         req.resp.content_digest, digest);
    http_response_release(&req.resp);
    return ret;
}

/* --- blobs --------------------------------------------------------------- */

struct fetch {
    struct registry *reg;
    const struct registry_blob *blob;
    struct blob_writer *w;
    struct http_request req;
    char *url;
    keel_err err;
    bool failed;
};

static int fetch_sink(void *arg, const void *buf, size_t len, keel_err *err)
{
    struct fetch *f = arg;
    return blob_writer_write(f->w, buf, len, err);
}

/* A blob is committed as soon as it is complete, so that a pull killed
 * later keeps it. */
static long fetch_done(void *arg, struct http_request *req)
{
    struct fetch *f = arg;
    bool got = req->resp.status == 200 || (req->resp.status == 206 && req->resume_from > 0);
    if (req->curl_code == 0 && got && !req->sink_failed) {
        struct blob_writer *w = f->w;
        f->w = NULL;
        if (blob_writer_commit(w, &f->err) < 0)
            f->failed = true;
        else if (f->blob->done != NULL)
            f->blob->done(f->blob->progress_arg);
        return 0;
    }
    if (http_range_refused(req) && req->attempts < f->reg->max_attempts) {
        /* the server cannot resume: start again from the first byte */
        if (blob_writer_restart(f->w, &f->err) < 0) {
            f->failed = true;
            return 0;
        }
        req->resume_from = 0;
        return 1;
    }
    if (!should_retry(f->reg, req))
        return 0;
    /* what arrived was hashed and written: ask for the rest */
    req->resume_from = blob_writer_size(f->w);
    return backoff(f->reg, req);
}

static void fetch_progress(void *arg, int64_t now, int64_t total)
{
    struct fetch *f = arg;
    if (f->blob->progress != NULL)
        f->blob->progress(f->blob->progress_arg, now, total >= 0 ? total : f->blob->size);
}

static void fetches_free(struct fetch *fs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        blob_writer_abort(fs[i].w);
        free(fs[i].url);
        http_response_release(&fs[i].req.resp);
    }
    free(fs);
}

/* The outcome of one finished fetch: commit the blob or say why not. */
static int fetch_finish(struct fetch *f, keel_err *err)
{
    if (f->failed) {
        *err = f->err;
        return -1;
    }
    struct http_request *req = &f->req;
    if (req->curl_code != 0 || (req->resp.status != 200 && req->resp.status != 206) ||
        req->sink_failed) {
        cleanup_free char *what = NULL;
        if (asprintf(&what, "blob %s", f->blob->digest) < 0)
            return keel_syserror(err, "blob %s", f->blob->digest);
        return registry_request_error(req, err, what);
    }
    return 0;
}

int registry_fetch_blobs(struct registry *r, struct store *s, const struct registry_blob *blobs,
                         size_t n, int parallel, keel_err *err)
{
    if (n == 0)
        return 0;
    struct fetch *fs = calloc(n, sizeof *fs);
    struct http_request **reqs = calloc(n, sizeof *reqs);
    if (fs == NULL || reqs == NULL) {
        free(fs);
        free(reqs);
        return keel_syserror(err, "fetch blobs");
    }
    int ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++) {
        struct fetch *f = &fs[i];
        f->reg = r;
        f->blob = &blobs[i];
        if (asprintf(&f->url, "%s/v2/%s/blobs/%s", r->base, r->repo, blobs[i].digest) < 0) {
            f->url = NULL;
            ret = keel_syserror(err, "blob %s", blobs[i].digest);
            break;
        }
        if ((f->w = store_blob_create(s, blobs[i].digest, blobs[i].size, err)) == NULL) {
            ret = -1;
            break;
        }
        f->req = (struct http_request){.url = f->url, .sink = fetch_sink, .sink_arg = f,
                                       .progress = fetch_progress, .progress_arg = f,
                                       .done = fetch_done, .done_arg = f};
        reqs[i] = &f->req;
    }
    if (ret == 0)
        ret = registry_run(r, reqs, n, parallel, NULL, err);
    for (size_t i = 0; i < n && ret == 0; i++)
        ret = fetch_finish(&fs[i], err);
    free(reqs);
    fetches_free(fs, n);
    return ret;
}
