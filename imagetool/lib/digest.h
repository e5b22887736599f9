/* Content digests ("sha256:<64 hex>"): validation and streaming SHA-256. */
#ifndef KEEL_IMAGE_DIGEST_H
#define KEEL_IMAGE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/error.h"

/* "sha256:" + 64 hex digits + NUL. */
#define DIGEST_LEN (7 + 64)
#define DIGEST_BUF (DIGEST_LEN + 1)

/* Checks that s is a digest this store can hold: "sha256:" and 64 lowercase
 * hex digits. Other well-formed algorithms (sha512:...) are refused as
 * unsupported; errors name the digest. */
int digest_validate(const char *s, keel_err *err);
bool digest_is_valid(const char *s);
/* The hex part of a valid digest (a pointer into s). */
const char *digest_hex(const char *s);

/* A running SHA-256. */
struct digester;
struct digester *digester_new(keel_err *err);
void digester_update(struct digester *d, const void *buf, size_t len);
/* Writes "sha256:<hex>" into out; the digester may then be reused after digester_reset. */
void digester_final(struct digester *d, char out[DIGEST_BUF]);
void digester_reset(struct digester *d);
void digester_free(struct digester *d);

/* The digest of a buffer. */
void digest_buffer(const void *buf, size_t len, char out[DIGEST_BUF]);

#endif
