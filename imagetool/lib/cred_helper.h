/* docker's credential helpers: docker-credential-NAME get|store|erase, the
 * server URL or a JSON {ServerURL, Username, Secret} on stdin. */
#ifndef KEEL_IMAGE_CRED_HELPER_H
#define KEEL_IMAGE_CRED_HELPER_H

#include <stdbool.h>

#include "auth.h"
#include "keel/error.h"

/* *found is false when the helper has nothing for server. */
int cred_helper_get(const char *helper, const char *server, struct auth_creds *out, bool *found,
                    keel_err *err);
int cred_helper_store(const char *helper, const char *server, const struct auth_creds *c,
                      keel_err *err);
int cred_helper_erase(const char *helper, const char *server, keel_err *err);

#endif
