/* save: images from the store as one tar that `docker load`, skopeo's
 * docker-archive: and oci-archive: transports, and `keel-image load` read. */
#ifndef KEEL_IMAGETOOL_ARCHIVE_SAVE_H
#define KEEL_IMAGETOOL_ARCHIVE_SAVE_H

#include <stddef.h>

#include "keel/error.h"
#include "store.h"

/* Writes the images `refs` name to outfd: docker save's manifest.json (with
 * uncompressed layers named by DiffID, as docker writes them) and an OCI image
 * layout (index.json, oci-layout, the blobs as stored, so digests survive a
 * round trip). */
int archive_save(struct store *s, char *const *refs, size_t n, int outfd, keel_err *err);

#endif
