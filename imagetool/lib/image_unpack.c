/* unpack: an image's layers applied in order to a flat directory. */
#include <stdlib.h>

#include "keel/cleanup.h"
#include "stored_image.h"
#include "unpack.h"

int image_unpack_layers(struct store *s, const struct stored_image *img, const char *dir,
                        keel_err *err)
{
    size_t n = img->manifest.layers_len;
    cleanup_free struct layer_source *src = calloc(n + 1, sizeof *src);
    cleanup_free char **blobs = calloc(n + 1, sizeof *blobs);
    int rc = src != NULL && blobs != NULL ? 0 : keel_syserror(err, "unpack into %s", dir);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        blobs[i] = store_blob_path(s, img->manifest.layers[i].digest, err);
        src[i].blob = blobs[i];
        src[i].diffid = img->config.rootfs->diff_ids[i];
        if (blobs[i] == NULL)
            rc = -1;
    }
    if (rc == 0)
        rc = rootfs_unpack(dir, src, n, err);
    for (size_t i = 0; blobs != NULL && i < n; i++)
        free(blobs[i]);
    return rc;
}

int image_unpack(struct store *s, const char *ref, const char *dir, keel_err *err)
{
    struct stored_image img;
    if (stored_image_read(s, ref, &img, err) < 0)
        return -1;
    int rc = image_unpack_layers(s, &img, dir, err);
    stored_image_release(&img);
    return rc;
}
