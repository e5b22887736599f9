/* Config blob, manifest blob, tags: the last step of build and commit. */
#include "image_write.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keel/cleanup.h"

int descriptor_set(struct oci_descriptor *d, const char *media, const char *digest, int64_t size)
{
    d->mediaType = strdup(media);
    d->digest = strdup(digest);
    d->size = size;
    d->has_size = true;
    return d->mediaType != NULL && d->digest != NULL ? 0 : -1;
}

static int write_manifest(struct store *s, const char *config_digest, size_t config_size,
                          const struct oci_descriptor *layers, size_t n,
                          struct oci_descriptor *desc, keel_err *err)
{
    struct oci_manifest m = {.schemaVersion = 2, .has_schemaVersion = true};
    int rc = 0;
    m.mediaType = strdup(OCI_MEDIA_MANIFEST);
    m.config = calloc(1, sizeof *m.config);
    m.layers = calloc(n + 1, sizeof *m.layers);
    if (m.mediaType == NULL || m.config == NULL || m.layers == NULL ||
        descriptor_set(m.config, OCI_MEDIA_CONFIG, config_digest, (int64_t)config_size) < 0)
        rc = keel_syserror(err, "manifest");
    for (size_t i = 0; i < n && rc == 0; i++, m.layers_len++)
        if (spec_copy(&spec_type_oci_descriptor, &m.layers[i], &layers[i], err) < 0)
            rc = -1;
    size_t len = 0;
    cleanup_free char *json = rc == 0 ? spec_generate(&spec_type_oci_manifest, &m, false, &len, err)
                                      : NULL;
    spec_release(&spec_type_oci_manifest, &m);
    char digest[DIGEST_BUF];
    if (json == NULL || store_blob_put(s, json, len, digest, err) < 0)
        return keel_error_wrap(err, "manifest");
    if (descriptor_set(desc, OCI_MEDIA_MANIFEST, digest, (int64_t)len) < 0)
        return keel_syserror(err, "manifest");
    return 0;
}

int image_write(struct store *s, const struct oci_image_config *cfg,
                const struct oci_descriptor *layers, size_t n, char *const *refs, size_t nrefs,
                char id_out[DIGEST_BUF], char *manifest_out, keel_err *err)
{
    size_t len;
    cleanup_free char *json = spec_generate(&spec_type_oci_image_config, cfg, false, &len, err);
    if (json == NULL || store_blob_put(s, json, len, id_out, err) < 0)
        return keel_error_wrap(err, "image config");
    struct oci_descriptor desc = {0};
    int rc = write_manifest(s, id_out, len, layers, n, &desc, err);
    if (rc == 0 && manifest_out != NULL)
        memcpy(manifest_out, desc.digest, DIGEST_BUF);
    for (size_t i = 0; i < nrefs && rc == 0; i++)
        rc = store_tag(s, refs[i], &desc, err);
    spec_release(&spec_type_oci_descriptor, &desc);
    return rc;
}
