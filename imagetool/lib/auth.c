/* Challenges, credentials, Basic auth and scopes. */
#include "auth.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keel/cleanup.h"

void auth_challenge_release(struct auth_challenge *c)
{
    free(c->scheme);
    free(c->realm);
    free(c->service);
    free(c->scope);
    memset(c, 0, sizeof *c);
}

bool auth_is_bearer(const struct auth_challenge *c)
{
    return c->scheme != NULL && strcasecmp(c->scheme, "bearer") == 0;
}

bool auth_is_basic(const struct auth_challenge *c)
{
    return c->scheme != NULL && strcasecmp(c->scheme, "basic") == 0;
}

/* One auth-param value: a token or a quoted-string with \-escapes. */
static char *param_value(const char **p)
{
    const char *s = *p;
    size_t cap = strlen(s) + 1, n = 0;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    if (*s == '"') {
        s++;
        while (*s != '\0' && *s != '"') {
            if (*s == '\\' && s[1] != '\0')
                s++;
            out[n++] = *s++;
        }
        if (*s == '"')
            s++;
    } else {
        while (*s != '\0' && *s != ',' && !isspace((unsigned char)*s))
            out[n++] = *s++;
    }
    out[n] = '\0';
    *p = s;
    return out;
}

int auth_parse_challenge(const char *header, struct auth_challenge *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    const char *p = header;
    while (isspace((unsigned char)*p))
        p++;
    size_t n = strcspn(p, " \t");
    if (n == 0)
        return keel_error(err, 0, "empty WWW-Authenticate challenge");
    out->scheme = strndup(p, n);
    p += n;
    while (*p != '\0') {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        size_t k = strcspn(p, "= \t,");
        if (k == 0 || p[k] != '=')
            break; /* the next challenge, or junk: the first one is enough */
        const char *key = p;
        p += k + 1;
        char *v = param_value(&p);
        if (v == NULL) {
            auth_challenge_release(out);
            return keel_syserror(err, "parse WWW-Authenticate");
        }
        char **slot = k == 5 && strncasecmp(key, "realm", 5) == 0     ? &out->realm
                      : k == 7 && strncasecmp(key, "service", 7) == 0 ? &out->service
                      : k == 5 && strncasecmp(key, "scope", 5) == 0   ? &out->scope
                                                                      : NULL;
        if (slot != NULL) {
            free(*slot);
            *slot = v;
        } else {
            free(v);
        }
    }
    if (out->scheme == NULL)
        return keel_syserror(err, "parse WWW-Authenticate");
    if (auth_is_bearer(out) && (out->realm == NULL || out->realm[0] == '\0')) {
        auth_challenge_release(out);
        return keel_error(err, 0, "Bearer challenge without a realm: %s", header);
    }
    return 0;
}

void auth_creds_release(struct auth_creds *c)
{
    if (c->pass != NULL)
        explicit_bzero(c->pass, strlen(c->pass));
    free(c->user);
    free(c->pass);
    c->user = c->pass = NULL;
}

int auth_creds_parse(const char *userpass, struct auth_creds *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    const char *colon = strchr(userpass, ':');
    if (colon == NULL || colon == userpass)
        return keel_error(err, 0, "credentials must be USER:PASSWORD");
    out->user = strndup(userpass, (size_t)(colon - userpass));
    out->pass = strdup(colon + 1);
    if (out->user == NULL || out->pass == NULL) {
        auth_creds_release(out);
        return keel_syserror(err, "credentials");
    }
    return 0;
}

char *base64_encode(const void *buf, size_t len)
{
    char *out = malloc(4 * ((len + 2) / 3) + 1);
    if (out != NULL)
        EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
    return out;
}

char *base64_decode(const char *s, size_t *len)
{
    size_t n = strlen(s);
    if (n % 4 != 0)
        return NULL;
    unsigned char *out = malloc(n / 4 * 3 + 1);
    if (out == NULL)
        return NULL;
    int r = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
    if (r < 0) {
        free(out);
        return NULL;
    }
    /* EVP_DecodeBlock counts the padding as zero bytes */
    size_t m = (size_t)r;
    for (size_t i = n; i > 0 && s[i - 1] == '='; i--)
        m--;
    out[m] = '\0';
    if (len != NULL)
        *len = m;
    return (char *)out;
}

char *auth_basic_header(const struct auth_creds *c)
{
    cleanup_free char *pair = NULL;
    if (asprintf(&pair, "%s:%s", c->user, c->pass) < 0)
        return NULL;
    cleanup_free char *b64 = base64_encode(pair, strlen(pair));
    explicit_bzero(pair, strlen(pair));
    char *h = NULL;
    if (b64 == NULL || asprintf(&h, "Authorization: Basic %s", b64) < 0)
        return NULL;
    return h;
}

char *auth_scope(const char *repo, const char *actions)
{
    char *s = NULL;
    return asprintf(&s, "repository:%s:%s", repo, actions) < 0 ? NULL : s;
}
