/* A client for one repository on an OCI distribution registry: the /v2/ ping,
 * Bearer and Basic auth, manifests, and blobs streamed into the store in
 * parallel with retries. */
#ifndef KEEL_IMAGE_REGISTRY_H
#define KEEL_IMAGE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keel/error.h"
#include "ref.h"
#include "store.h"

struct registry_opts {
    const char *creds; /* "USER:PASS", or NULL for config.json / anonymous */
    bool insecure;     /* plain HTTP to a registry that is not on loopback */
    bool push;         /* ask for pull,push access (else pull) */
    int max_attempts;  /* per request; 0 means the default (5) */
    long backoff_ms;   /* first retry delay; 0 means the default (250) */
};

struct registry;

/* Connects to the registry of ref (pinging /v2/ and authenticating for pull). */
struct registry *registry_open(const struct image_ref *ref, const struct registry_opts *o,
                               keel_err *err);
void registry_free(struct registry *r);

/* Checks credentials (o->creds) against the registry at domain: its /v2/
 * must answer 200 with them, through Basic or a token (docker login). */
int registry_verify_login(const char *domain, const struct registry_opts *o, keel_err *err);

struct registry_manifest {
    char *body;
    size_t len;
    char *media_type;  /* Content-Type */
    char digest[DIGEST_BUF]; /* sha256 of body */
};

/* GETs a manifest or index by tag or digest. A digest reference, and the
 * Docker-Content-Digest header when sent, must match the body. */
int registry_get_manifest(struct registry *r, const char *reference, struct registry_manifest *out,
                          keel_err *err);
void registry_manifest_release(struct registry_manifest *m);

/* The digest the registry has under reference (a HEAD), or "" when it has
 * none or does not say; fails only as any authenticated request does. */
int registry_head_manifest(struct registry *r, const char *reference, char digest[DIGEST_BUF],
                           keel_err *err);

/* PUTs a manifest or index under reference (a tag, or its digest), byte for
 * byte, so that its digest does not change; checks the digest the registry
 * answers with. */
int registry_put_manifest(struct registry *r, const char *reference, const char *media_type,
                          const char *body, size_t len, keel_err *err);

/* A blob to fetch into the store. */
struct registry_blob {
    const char *digest;
    int64_t size;
    /* called as bytes arrive, and once the blob is verified and in the store
     * (from the one transfer loop, never concurrently); both get progress_arg */
    void (*progress)(void *arg, int64_t done, int64_t total);
    void (*done)(void *arg);
    void *progress_arg;
};

/* Downloads the blobs into the store, `parallel` at a time, each verified
 * against its digest and size and renamed into place as soon as it is
 * complete. On failure nothing partial is left; the error names the blob. */
int registry_fetch_blobs(struct registry *r, struct store *s, const struct registry_blob *blobs,
                         size_t n, int parallel, keel_err *err);

#endif
