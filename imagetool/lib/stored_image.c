/* Reading an image's manifest and config out of the store. */
#include "stored_image.h"

#include <errno.h>
#include <string.h>

#include "image_find.h"

int stored_image_read(struct store *s, const char *ref, struct stored_image *img, keel_err *err)
{
    memset(img, 0, sizeof *img);
    if (image_resolve(s, ref, &img->desc, err) < 0)
        return -1;
    const char *mt = img->desc.mediaType;
    if (mt != NULL && strcmp(mt, OCI_MEDIA_MANIFEST) != 0 && strcmp(mt, DOCKER_MEDIA_MANIFEST) != 0) {
        keel_error(err, EINVAL, "%s: %s is a %s, not an image manifest", ref, img->desc.digest, mt);
        goto fail;
    }
    if (store_blob_parse(s, &spec_type_oci_manifest, img->desc.digest,
                         img->desc.has_size ? img->desc.size : -1, &img->manifest, err) < 0 ||
        img->manifest.config == NULL || img->manifest.config->digest == NULL) {
        if (img->manifest.config == NULL)
            keel_error(err, EINVAL, "manifest %s has no config", img->desc.digest);
        keel_error_wrap(err, "%s", ref);
        goto fail;
    }
    const struct oci_descriptor *cd = img->manifest.config;
    if (store_blob_parse(s, &spec_type_oci_image_config, cd->digest,
                         cd->has_size ? cd->size : -1, &img->config, err) < 0) {
        keel_error_wrap(err, "%s", ref);
        goto fail;
    }
    size_t ndiff = img->config.rootfs != NULL ? img->config.rootfs->diff_ids_len : 0;
    if (ndiff != img->manifest.layers_len) {
        keel_error(err, EINVAL, "%s: %zu layers but %zu diff_ids in config %s", ref,
                   img->manifest.layers_len, ndiff, cd->digest);
        goto fail;
    }
    return 0;
fail:
    stored_image_release(img);
    return -1;
}

void stored_image_release(struct stored_image *img)
{
    spec_release(&spec_type_oci_descriptor, &img->desc);
    spec_release(&spec_type_oci_manifest, &img->manifest);
    spec_release(&spec_type_oci_image_config, &img->config);
}
