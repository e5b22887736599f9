/* SHA-256 digests over libcrypto's EVP interface. */
#include "digest.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct digester {
    EVP_MD_CTX *ctx;
};

static bool is_lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s[n] == '\0';
}

bool digest_is_valid(const char *s)
{
    return s != NULL && strncmp(s, "sha256:", 7) == 0 && strlen(s) == DIGEST_LEN &&
           is_lower_hex(s + 7, 64);
}

int digest_validate(const char *s, keel_err *err)
{
    if (s == NULL)
        return keel_error(err, 0, "missing digest");
    if (digest_is_valid(s))
        return 0;
    const char *colon = strchr(s, ':');
    if (colon != NULL && colon != s && strncmp(s, "sha256:", 7) != 0 &&
        strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789+._-") == (size_t)(colon - s))
        return keel_error(err, 0, "digest %s: unsupported algorithm (only sha256)", s);
    return keel_error(err, 0, "invalid digest \"%s\" (want sha256:<64 lowercase hex digits>)", s);
}

const char *digest_hex(const char *s)
{
    return s + 7;
}

struct digester *digester_new(keel_err *err)
{
    struct digester *d = calloc(1, sizeof *d);
    if (d == NULL) {
        keel_syserror(err, "allocate digester");
        return NULL;
    }
    d->ctx = EVP_MD_CTX_new();
    if (d->ctx == NULL || EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1) {
        digester_free(d);
        keel_error(err, 0, "sha256: cannot initialise libcrypto digest");
        return NULL;
    }
    return d;
}

void digester_update(struct digester *d, const void *buf, size_t len)
{
    /* EVP_DigestUpdate only fails on a broken context, which digester_new rules out. */
    EVP_DigestUpdate(d->ctx, buf, len);
}

static void to_digest(const unsigned char *md, char out[DIGEST_BUF])
{
    static const char hex[] = "0123456789abcdef";
    memcpy(out, "sha256:", 7);
    for (int i = 0; i < 32; i++) {
        out[7 + 2 * i] = hex[md[i] >> 4];
        out[8 + 2 * i] = hex[md[i] & 15];
    }
    out[DIGEST_LEN] = '\0';
}

void digester_final(struct digester *d, char out[DIGEST_BUF])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(d->ctx, md, &n);
    to_digest(md, out);
}

void digester_reset(struct digester *d)
{
    EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL);
}

void digester_free(struct digester *d)
{
    if (d == NULL)
        return;
    EVP_MD_CTX_free(d->ctx);
    free(d);
}

void digest_buffer(const void *buf, size_t len, char out[DIGEST_BUF])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL);
    to_digest(md, out);
}
