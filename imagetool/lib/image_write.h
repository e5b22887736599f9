/* A new image into the store: its config and manifest as blobs, then tags. */
#ifndef KEEL_IMAGETOOL_IMAGE_WRITE_H
#define KEEL_IMAGETOOL_IMAGE_WRITE_H

#include <stddef.h>

#include "digest.h"
#include "keel/error.h"
#include "keel/image_spec.h"
#include "store.h"

/* Fills a descriptor (copies of the strings). */
int descriptor_set(struct oci_descriptor *d, const char *media, const char *digest, int64_t size);

/* Writes cfg as the config blob and an OCI manifest of it and `layers` (whose
 * blobs are in the store), then points each of refs at the manifest. The
 * config's digest (docker's image ID) goes to id_out, the manifest's to
 * manifest_out when non-NULL. */
int image_write(struct store *s, const struct oci_image_config *cfg,
                const struct oci_descriptor *layers, size_t n, char *const *refs, size_t nrefs,
                char id_out[DIGEST_BUF], char *manifest_out, keel_err *err);

#endif
