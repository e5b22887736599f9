/* Pushing blobs to a repository (distribution-spec "Pushing blobs"): a HEAD
 * first, then a cross-repository mount when another repository of the same
 * registry is known to hold the blob, else an upload: monolithic (one PUT)
 * for a small blob, chunked (PATCH with Content-Range, then PUT) for a large
 * one, resumed from the registry's Range after a dropped connection. */
#ifndef KEEL_IMAGE_UPLOAD_H
#define KEEL_IMAGE_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keel/error.h"
#include "registry.h"

/* Blobs larger than this go in chunks of this size. */
#define UPLOAD_CHUNK_DEFAULT (32LL << 20)

enum upload_result {
    UPLOAD_PENDING,
    UPLOAD_EXISTS,  /* the registry had it: nothing sent */
    UPLOAD_MOUNTED, /* mounted from mount_from: nothing sent */
    UPLOAD_PUSHED,
};

struct registry_upload {
    const char *digest;
    int64_t size;
    int fd;                 /* the blob, read with pread */
    const char *mount_from; /* a repository of this registry that has it, or NULL */
    /* called when bytes start to go, as they go, and at the end (one thread) */
    void (*sending)(void *arg);
    void (*progress)(void *arg, int64_t done, int64_t total);
    void (*finished)(void *arg, enum upload_result res);
    void *arg;
    enum upload_result result; /* out */
};

/* Pushes the blobs, `parallel` at a time; chunk <= 0 means the default.
 * The error names the first blob that failed and what the registry said. */
int registry_push_blobs(struct registry *r, struct registry_upload *ups, size_t n, int parallel,
                        int64_t chunk, keel_err *err);

/* Whether a blob of this size goes in one PUT. */
bool upload_is_monolithic(int64_t size, int64_t chunk);
/* The end (exclusive) of the chunk that starts at offset. */
int64_t upload_chunk_end(int64_t offset, int64_t size, int64_t chunk);
/* The offset to go on from, given an upload's Range header ("0-N", or
 * "bytes=0-N"): N+1, but 0 for "0-0" (distribution's answer for an empty
 * upload) or no header; -1 when it cannot be read. */
int64_t upload_range_next(const char *range);
/* The URL of the next request on an upload: the Location header, resolved
 * against base when it is a path; with "digest=D" added when digest is set. */
char *upload_url(const char *base, const char *location, const char *digest);

#endif
