/* Registry authentication: WWW-Authenticate challenges, credentials from
 * --creds or docker's config.json, Basic headers. The token exchange itself
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
/* Looks domain up in ${DOCKER_CONFIG:-$HOME/.docker}/config.json `auths`
 * (keys may carry a scheme and a path; docker.io also matches
 * https://index.docker.io/v1/). *found is false when there is no entry or no
 * file. */
int auth_creds_from_config(const char *domain, struct auth_creds *out, bool *found,
                           keel_err *err);
void auth_creds_release(struct auth_creds *c);
/* "Authorization: Basic <base64(user:pass)>", malloc'd. */
char *auth_basic_header(const struct auth_creds *c);

/* base64 helpers (standard alphabet, padded). */
char *base64_encode(const void *buf, size_t len);
/* Decodes into a NUL-terminated malloc'd string; NULL when not base64. */
char *base64_decode(const char *s, size_t *len);

#endif
