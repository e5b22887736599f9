/* An image as the store holds it: what unpack, bundle and save start from. */
#ifndef KEEL_IMAGETOOL_STORED_IMAGE_H
#define KEEL_IMAGETOOL_STORED_IMAGE_H

#include "keel/error.h"
#include "keel/image_spec.h"
#include "store.h"

struct stored_image {
    struct oci_descriptor desc; /* the manifest's, from index.json */
    struct oci_manifest manifest;
    struct oci_image_config config;
};

/* Reads the manifest and config `ref` names, verified against their digests;
 * checks that layers and config.rootfs.diff_ids agree. */
int stored_image_read(struct store *s, const char *ref, struct stored_image *img, keel_err *err);
void stored_image_release(struct stored_image *img);

/* Makes `dir` a flat rootfs of the image (see rootfs_unpack). */
int image_unpack_layers(struct store *s, const struct stored_image *img, const char *dir,
                        keel_err *err);
/* The same from a reference: what `keel-image unpack` does. */
int image_unpack(struct store *s, const char *ref, const char *dir, keel_err *err);

#endif
