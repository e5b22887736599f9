/* Unpacked layers in the store ($root/layers/sha256/<DiffID hex>), each made
 * once, in parallel, and shared read-only by every overlay that stacks it. */
#ifndef KEEL_IMAGETOOL_LAYER_STORE_H
#define KEEL_IMAGETOOL_LAYER_STORE_H

#include "keel/error.h"
#include "stored_image.h"

/* Unpacks each of the image's layers that the store lacks: into $root/tmp,
 * DiffID checked, then renamed into place so that a layer is visible only
 * when complete. *paths gets the layer directories, bottom layer first
 * (free with layer_paths_free). */
int layer_store_ensure(struct store *s, const struct stored_image *img, char ***paths,
                       keel_err *err);
void layer_paths_free(char **paths, size_t n);

#endif
