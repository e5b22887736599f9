/* Whiteouts (layer.md): `.wh.NAME` deletes NAME of the layers below,
 * `.wh..wh..opq` hides all of a directory's lower contents. In a flat rootfs
 * they delete; in a layer kept for overlayfs they become overlayfs' own marks. */
#ifndef KEEL_IMAGETOOL_WHITEOUT_H
#define KEEL_IMAGETOOL_WHITEOUT_H

#include <stdbool.h>

#include "keel/error.h"

enum whiteout_kind {
    WHITEOUT_NONE,   /* an ordinary entry */
    WHITEOUT_FILE,   /* .wh.NAME: *victim is NAME */
    WHITEOUT_OPAQUE, /* .wh..wh..opq */
    WHITEOUT_META,   /* another .wh..wh.* (aufs' own bookkeeping): skipped */
    WHITEOUT_INVALID /* .wh. with no valid name after it */
};

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE_NAME ".wh..wh..opq"
#define OVERLAY_OPAQUE_XATTR "trusted.overlay.opaque"

/* Classifies the last component of a member name. */
enum whiteout_kind whiteout_classify(const char *base, const char **victim);

/* Overlay form: a 0:0 character device named `victim` in parentfd. An entry of
 * the same layer already there wins (layer.md), so EEXIST is success. */
int whiteout_overlay_file(int parentfd, const char *victim, keel_err *err);
/* Overlay form of an opaque directory: the xattr on the directory open on dirfd. */
int whiteout_overlay_opaque(int dirfd, const char *path, keel_err *err);

/* Tells whether a path (relative to the target) was written by the layer
 * being applied; such entries survive the layer's own whiteouts. */
typedef bool whiteout_keep_fn(void *ctx, const char *path);

/* Flat form: removes `victim` in parentfd (path `parent` in the target) unless
 * the current layer wrote it. */
int whiteout_flat_file(int parentfd, const char *parent, const char *victim,
                       whiteout_keep_fn *keep, void *ctx, keel_err *err);
/* Flat form of an opaque directory: removes everything under dirfd (path `dir`)
 * the current layer did not write. */
int whiteout_flat_opaque(int dirfd, const char *dir, whiteout_keep_fn *keep, void *ctx,
                         keel_err *err);

#endif
