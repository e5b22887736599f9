/* Registry authentication: WWW-Authenticate challenges, USER:PASS
 * credentials, Basic headers, token scopes (config.json is docker_config.h). The token exchange itself
 * is in registry.c, which owns the HTTP client. */
#ifndef KEEL_IMAGE_AUTH_H
#define KEEL_IMAGE_AUTH_H

#include <stdbool.h>

#include "keel/error.h"

struct auth_challenge {
    char *scheme; /* "Bearer" or "Basic" as sent */
    char *realm;
    char *service;
    char *scope;
};

/* Parses the first challenge of a WWW-Authenticate value:
 *   Bearer realm="https://auth.example/token",service="reg",scope="repository:a:pull" */
int auth_parse_challenge(const char *header, struct auth_challenge *out, keel_err *err);
void auth_challenge_release(struct auth_challenge *c);
bool auth_is_bearer(const struct auth_challenge *c);
bool auth_is_basic(const struct auth_challenge *c);

struct auth_creds {
    char *user;
    char *pass;
};

/* "USER:PASS" (the password may contain ':'). */
int auth_creds_parse(const char *userpass, struct auth_creds *out, keel_err *err);
void auth_creds_release(struct auth_creds *c);
/* "Authorization: Basic <base64(user:pass)>", malloc'd. */
char *auth_basic_header(const struct auth_creds *c);

/* A token scope for a repository: "repository:<repo>:<actions>" (actions
 * "pull" or "pull,push"), malloc'd. */
char *auth_scope(const char *repo, const char *actions);

/* base64 helpers (standard alphabet, padded). */
char *base64_encode(const void *buf, size_t len);
/* Decodes into a NUL-terminated malloc'd string; NULL when not base64. */
char *base64_decode(const char *s, size_t *len);

#endif
