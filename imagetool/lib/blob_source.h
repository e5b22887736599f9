/* Where blobs came from: the registry repositories ("domain/path") that a
 * blob is known to be in, because it was pulled from or pushed to them. A
 * push mounts a blob from such a repository of the same registry instead of
 * sending it. Records live in $root/sources/sha256/<hex>, one line per
 * repository; gc drops those of blobs it removes. */
#ifndef KEEL_IMAGE_BLOB_SOURCE_H
#define KEEL_IMAGE_BLOB_SOURCE_H

#include <stddef.h>

#include "keel/error.h"
#include "store.h"

/* Records that repository holds digest (once: a known one is not added again). */
int blob_source_add(struct store *s, const char *digest, const char *repository, keel_err *err);
/* A repository on domain other than `except` (a path) known to hold digest,
 * malloc'd path; NULL when there is none. */
char *blob_source_find(struct store *s, const char *digest, const char *domain,
                       const char *except);

#endif
