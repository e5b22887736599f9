/* SHA-256 digests over libcrypto's SHA256_* calls rather than EVP: the same
 * code underneath (SHA-NI or AVX2 where the CPU has them), without OpenSSL 3's
 * provider start-up and atexit clean-up, which took about 1.5 ms of every
 * process that hashed even a few hundred bytes (keel-bundle, once per
 * keel-docker run). OpenSSL 3 marks these calls deprecated; they remain. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "digest.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

struct digester {
    SHA256_CTX ctx;
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
    struct digester *d = malloc(sizeof *d);
    if (d == NULL) {
        keel_syserror(err, "allocate digester");
        return NULL;
    }
    SHA256_Init(&d->ctx);
    return d;
}

void digester_update(struct digester *d, const void *buf, size_t len)
{
    SHA256_Update(&d->ctx, buf, len);
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
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256_Final(md, &d->ctx);
    to_digest(md, out);
}

void digester_reset(struct digester *d)
{
    SHA256_Init(&d->ctx);
}

void digester_free(struct digester *d)
{
    free(d);
}

void digest_buffer(const void *buf, size_t len, char out[DIGEST_BUF])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, buf, len);
    SHA256_Final(md, &ctx);
    to_digest(md, out);
}
