/* docker login and logout: credentials checked against the registry, then
 * kept where docker keeps them (docker_config.h). */
#ifndef KEEL_IMAGE_LOGIN_H
#define KEEL_IMAGE_LOGIN_H

#include <stdbool.h>

#include "auth.h"
#include "keel/error.h"

struct login_result {
    char *key;    /* the config.json key ("127.0.0.1:5000", "https://index.docker.io/v1/") */
    char *path;   /* config.json */
    char *helper; /* the credential helper that keeps them, or NULL: plain in path */
};

/* Logs in to server (a host[:port] or URL; NULL is docker.io). */
int registry_login(const char *server, const struct auth_creds *creds, bool insecure,
                   struct login_result *out, keel_err *err);
/* Forgets server's credentials; *found is false when there were none. */
int registry_logout(const char *server, struct login_result *out, bool *found, keel_err *err);
void login_result_release(struct login_result *r);

#endif
