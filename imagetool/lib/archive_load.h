/* load: images from a `docker save` tar or an OCI archive (a tar of an OCI
 * image layout) into the store. */
#ifndef KEEL_IMAGETOOL_ARCHIVE_LOAD_H
#define KEEL_IMAGETOOL_ARCHIVE_LOAD_H

#include "keel/error.h"
#include "store.h"

/* Called for each reference tagged. */
typedef void archive_loaded_fn(const char *ref, const char *digest, void *ctx);

/* Reads the archive on fd (consumed; plain or gzip), writes every blob through
 * the store's blob writer (digests verified) and tags the images: from the
 * OCI index's org.opencontainers.image.ref.name (or containerd's image name)
 * annotations, or from docker's RepoTags. An OCI index wins when both are there. */
int archive_load(struct store *s, int fd, const char *name, archive_loaded_fn *loaded, void *ctx,
                 keel_err *err);

#endif
