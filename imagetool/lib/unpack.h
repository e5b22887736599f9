/* Applying layers (tar changesets, layer.md) to a directory: either as an
 * unpacked layer that overlayfs stacks, or onto a flat rootfs. */
#ifndef KEEL_IMAGETOOL_UNPACK_H
#define KEEL_IMAGETOOL_UNPACK_H

#include <stddef.h>

#include "keel/error.h"

enum layer_target {
    LAYER_FLAT,    /* whiteouts delete, opaque directories are cleared */
    LAYER_OVERLAY, /* whiteouts become overlayfs whiteouts and opaque xattrs */
};

/* Applies the layer blob open on layer_fd (gzip, zstd or plain tar; the fd is
 * consumed) to the directory open on rootfd (O_RDONLY|O_DIRECTORY). `name`
 * names the layer in errors. When expected_diffid ("sha256:...") is given,
 * a different DiffID is an error; the DiffID goes to diffid[72] when non-NULL.
 * Nothing lands outside rootfd; on failure rootfd holds a partial result that
 * the caller removes. */
int layer_apply(int rootfd, int layer_fd, const char *name, enum layer_target target,
                const char *expected_diffid, char *diffid, keel_err *err);

/* A layer to apply: its blob file and its DiffID (checked when non-NULL). */
struct layer_source {
    const char *blob;
    const char *diffid;
};

/* Makes `dir` a flat rootfs of the layers applied in order, as umoci unpack
 * does. `dir` is created; if it exists it must be an empty directory. On
 * failure nothing is left: `dir` is emptied (and removed if this made it). */
int rootfs_unpack(const char *dir, const struct layer_source *layers, size_t n, keel_err *err);

#endif
