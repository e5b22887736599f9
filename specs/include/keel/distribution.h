/* The registry side's JSON (distribution-spec and Docker's token auth) and the
 * docker CLI's credentials file, as C types. See keel/spec.h for the kinds. */
#ifndef KEEL_DISTRIBUTION_H
#define KEEL_DISTRIBUTION_H

#include "keel/spec.h"

/* The token server's answer (docker token.md): `token` or its OAuth2 alias
 * `access_token`; expires_in in seconds; issued_at RFC 3339. */
#define DIST_TOKEN_RESPONSE(X, T) \
    X(T, STR, token, "token", _) \
    X(T, STR, access_token, "access_token", _) \
    X(T, I64, expires_in, "expires_in", _) \
    X(T, STR, issued_at, "issued_at", _) \
    X(T, STR, refresh_token, "refresh_token", _)
SPEC_DECLARE(dist_token_response, DIST_TOKEN_RESPONSE)

/* One entry of an error body. `detail` may be any JSON value and is not kept. */
#define DIST_ERROR(X, T) \
    X(T, STR, code, "code", _) \
    X(T, STR, message, "message", _)
SPEC_DECLARE(dist_error, DIST_ERROR)

/* {"errors": [{"code": ..., "message": ..., "detail": ...}, ...]} */
#define DIST_ERROR_BODY(X, T) \
    X(T, OBJS, errors, "errors", dist_error)
SPEC_DECLARE(dist_error_body, DIST_ERROR_BODY)

/* GET /v2/<name>/tags/list */
#define DIST_TAG_LIST(X, T) \
    X(T, STR, name, "name", _) \
    X(T, STRS, tags, "tags", _)
SPEC_DECLARE(dist_tag_list, DIST_TAG_LIST)

/* ~/.docker/config.json: auths[registry]. `auth` is base64("user:password"). */
#define DOCKER_AUTH_ENTRY(X, T) \
    X(T, STR, auth, "auth", _) \
    X(T, STR, username, "username", _) \
    X(T, STR, password, "password", _) \
    X(T, STR, identitytoken, "identitytoken", _) \
    X(T, STR, registrytoken, "registrytoken", _)
SPEC_DECLARE(docker_auth_entry, DOCKER_AUTH_ENTRY)

/* credHelpers maps a registry to a docker-credential-<helper> suffix. */
#define DOCKER_CLI_CONFIG(X, T) \
    X(T, OBJMAP, auths, "auths", docker_auth_entry) \
    X(T, STR, credsStore, "credsStore", _) \
    X(T, MAP, credHelpers, "credHelpers", _)
SPEC_DECLARE(docker_cli_config, DOCKER_CLI_CONFIG)

/* What `docker-credential-<helper> get` prints. */
#define DOCKER_CRED_HELPER_REPLY(X, T) \
    X(T, STR, ServerURL, "ServerURL", _) \
    X(T, STR, Username, "Username", _) \
    X(T, STR, Secret, "Secret", _)
SPEC_DECLARE(docker_cred_helper_reply, DOCKER_CRED_HELPER_REPLY)

#endif
