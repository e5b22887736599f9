/* What registry.c shares with the other files that speak to a registry
 * (upload.c): the connection's state and its authenticated request loop.
 * Internal to the library. */
#ifndef KEEL_IMAGE_REGISTRY_INTERNAL_H
#define KEEL_IMAGE_REGISTRY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "http.h"
#include "keel/error.h"

#define REGISTRY_TOKEN_CACHE 8

struct registry_token {
    char *scope;
    char *header;
};

struct registry {
    struct http_client *http;
    char *domain;
    char *base; /* "https://host[:port]" */
    char *repo;
    char *default_scope; /* "repository:<repo>:pull" (or "pull,push") */
    struct auth_creds creds;
    bool have_creds;
    const char *auth_header; /* points into tokens[] or basic_header */
    char *basic_header;
    struct auth_challenge bearer; /* the last Bearer challenge answered */
    struct registry_token tokens[REGISTRY_TOKEN_CACHE];
    size_t ntokens;
    int max_attempts;
    long backoff_ms;
};

/* Runs requests with the current Authorization (and the Accept line when
 * not NULL); requests answered 401 get one more go after authenticating
 * with their challenge. Other outcomes are left in the requests. */
int registry_run(struct registry *r, struct http_request **reqs, size_t n, int parallel,
                 const char *accept, keel_err *err);
/* "<what>: HTTP 404: MANIFEST_UNKNOWN: manifest unknown" from a finished request. */
int registry_request_error(const struct http_request *req, keel_err *err, const char *what);
/* Answers worth another attempt: 408, 429, 500, 502, 503, 504. */
bool registry_status_retryable(long status);
/* With Bearer auth, a token for the repository's scope plus `scope`
 * ("repository:other:pull", to mount from it); nothing to do with Basic. */
int registry_add_scope(struct registry *r, const char *scope, keel_err *err);

#endif
