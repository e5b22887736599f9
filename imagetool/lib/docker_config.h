/* docker's credentials file, ${DOCKER_CONFIG:-$HOME/.docker}/config.json:
 * `auths` entries (base64 "user:password"), and the credential helpers it
 * names (credsStore, credHelpers), as docker login/logout keep them. */
#ifndef KEEL_IMAGE_DOCKER_CONFIG_H
#define KEEL_IMAGE_DOCKER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "keel/distribution.h"
#include "keel/error.h"

struct docker_config {
    char *path;
    char *raw; /* the file as read (NULL when missing): its other keys are kept */
    size_t raw_len;
    struct docker_cli_config cfg;
};

/* Reads the file; a missing one reads as empty. Without $DOCKER_CONFIG and
 * $HOME there is no file: *c is empty with path NULL. */
int docker_config_read(struct docker_config *c, keel_err *err);
void docker_config_release(struct docker_config *c);

/* The key docker files a registry under: "https://index.docker.io/v1/" for
 * docker.io, else the host[:port]. Static or a pointer into domain. */
const char *docker_config_server_key(const char *domain);
/* The registry a login/logout argument names: "https://host:port/path" ->
 * "host:port"; index.docker.io and registry-1.docker.io are docker.io.
 * Malloc'd. */
char *docker_config_domain(const char *server);
/* The credential helper for a server key: credHelpers[key], else credsStore,
 * else NULL. */
const char *docker_config_helper(const struct docker_config *c, const char *key);

/* Sets auths[key] to base64(user:pass), or to {} when creds is NULL (a
 * helper holds them), dropping other forms of the entry. */
int docker_config_set_auth(struct docker_config *c, const char *key,
                           const struct auth_creds *creds, keel_err *err);
/* Removes every auths entry for domain; *found says whether there was one. */
int docker_config_remove_auth(struct docker_config *c, const char *domain, bool *found,
                              keel_err *err);
/* Writes the file back atomically, mode 0600, other keys as they were. */
int docker_config_write(struct docker_config *c, keel_err *err);

/* The credentials for domain: from its credential helper when one is
 * configured, else from auths (keys may carry a scheme and a path;
 * docker.io also matches https://index.docker.io/v1/). *found is false when
 * there are none. */
int docker_config_creds(const char *domain, struct auth_creds *out, bool *found, keel_err *err);

#endif
