/* Removing an image reference, guarded by the live bundles that use it. */
#include <string.h>
#include <sys/stat.h>

#include "image.h"

bool bundle_is_live(const struct keel_bundle_record *r)
{
    struct stat st;
    return r->path != NULL && stat(r->path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* How many index.json entries name an image with this digest. */
static int count_refs(struct store *s, const char *digest, size_t *n, keel_err *err)
{
    struct oci_index idx;
    if (store_index_read(s, &idx, err) < 0)
        return -1;
    *n = 0;
    for (size_t i = 0; i < idx.manifests_len; i++)
        if (idx.manifests[i].digest != NULL && strcmp(idx.manifests[i].digest, digest) == 0 &&
            store_entry_ref(&idx.manifests[i]) != NULL)
            (*n)++;
    spec_release(&spec_type_oci_index, &idx);
    return 0;
}

static int check_unused(struct store *s, const char *name, const char *digest, keel_err *err)
{
    size_t refs;
    if (count_refs(s, digest, &refs, err) < 0)
        return -1;
    if (refs > 1)
        return 0;
    struct keel_bundle_record *v;
    size_t n;
    if (store_bundle_list(s, &v, &n, err) < 0)
        return -1;
    int ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++)
        if (v[i].manifest != NULL && strcmp(v[i].manifest, digest) == 0 && bundle_is_live(&v[i]))
            ret = keel_error(err, 0, "image %s is used by bundle %s (use -f to remove it anyway)",
                             name, v[i].path);
    keel_bundle_records_free(v, n);
    return ret;
}

int image_remove(struct store *s, const char *ref, bool force, keel_err *err)
{
    struct oci_descriptor d;
    if (store_resolve(s, ref, &d, err) < 0)
        return -1;
    const char *name = store_entry_ref(&d);
    int ret = 0;
    if (!force)
        ret = check_unused(s, name ? name : ref, d.digest, err);
    if (ret == 0)
        ret = store_untag(s, name ? name : ref, err);
    spec_release(&spec_type_oci_descriptor, &d);
    return ret;
}
