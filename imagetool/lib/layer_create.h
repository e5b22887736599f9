/* Layer generation, unpack's reverse: a directory in overlay form (the upper
 * directory of a build step: whiteouts as 0:0 character devices, opaque
 * directories marked with trusted.overlay.opaque) becomes an OCI layer blob,
 * and the directory itself becomes the store's unpacked copy of it. */
#ifndef KEEL_IMAGETOOL_LAYER_CREATE_H
#define KEEL_IMAGETOOL_LAYER_CREATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "digest.h"
#include "keel/error.h"
#include "store.h"

struct created_layer {
    char diff_id[DIGEST_BUF]; /* sha256 of the tar */
    char digest[DIGEST_BUF];  /* sha256 of the gzip blob */
    int64_t size;             /* of the blob */
};

/* Writes the tar of `dir` (entries sorted by name, `.wh.NAME` and
 * `.wh..wh..opq` for the overlay marks, mtimes clamped to `epoch` when it is
 * >= 0) gzip-compressed into the store through its verifying blob writer, in
 * one pass that also computes the DiffID. */
int layer_create(struct store *s, const char *dir, int64_t epoch, struct created_layer *out,
                 keel_err *err);
/* Tells whether an entry (path relative to the directory, its lstat, and its
 * directory fd and name) stays out of the layer, with all it holds. */
typedef bool layer_skip_fn(const char *rel, const struct stat *st, int dirfd, const char *name);

/* The same for an upper directory still in use (a running container's, for
 * commit): read only, overlayfs' bookkeeping xattrs left in place, the
 * entries `skip` names (NULL: none) left out. */
int layer_create_readonly(struct store *s, const char *dir, int64_t epoch, layer_skip_fn *skip,
                          struct created_layer *out, keel_err *err);

/* Renames dir (in the store's filesystem) to $root/layers/sha256/<diff_id hex>;
 * if that layer is already there, dir is removed instead. */
int layer_adopt(struct store *s, const char *dir, const char *diff_id, keel_err *err);

#endif
