/* The store's references: index.json entries named by the ref.name annotation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keel/cleanup.h"
#include "lock.h"
#include "ref.h"
#include "store.h"
#include "util.h"

const char *store_entry_ref(const struct oci_descriptor *d)
{
    return spec_map_get(d->annotations_keys, d->annotations, d->annotations_len,
                        STORE_REF_ANNOTATION);
}

int store_index_read(struct store *s, struct oci_index *out, keel_err *err)
{
    cleanup_free char *path = path_join(s->root, "/oci/index.json");
    if (path == NULL)
        return keel_syserror(err, "read index.json");
    return spec_parse_file(&spec_type_oci_index, path, out, err);
}

/* "not found" carries ENOENT for callers to test, without strerror in the text. */
static int not_found(keel_err *err, const char *name, const char *root)
{
    keel_error(err, 0, "image %s not found in %s", name, root);
    if (err != NULL)
        err->errnum = ENOENT;
    return -1;
}

static const struct oci_descriptor *find_named(const struct oci_index *idx, const char *name)
{
    for (size_t i = 0; i < idx->manifests_len; i++) {
        const char *n = store_entry_ref(&idx->manifests[i]);
        if (n != NULL && strcmp(n, name) == 0)
            return &idx->manifests[i];
    }
    return NULL;
}

/* repo@digest also finds an image pulled by tag from that repository. */
static const struct oci_descriptor *find_by_digest(const struct oci_index *idx,
                                                   const struct image_ref *r)
{
    cleanup_free char *repo = ref_repository(r);
    if (repo == NULL)
        return NULL;
    size_t rlen = strlen(repo);
    for (size_t i = 0; i < idx->manifests_len; i++) {
        const struct oci_descriptor *d = &idx->manifests[i];
        const char *n = store_entry_ref(d);
        if (n != NULL && d->digest != NULL && strcmp(d->digest, r->digest) == 0 &&
            strncmp(n, repo, rlen) == 0 && (n[rlen] == ':' || n[rlen] == '@'))
            return d;
    }
    return NULL;
}

int store_resolve(struct store *s, const char *ref, struct oci_descriptor *out, keel_err *err)
{
    struct image_ref r;
    if (ref_parse(ref, &r, err) < 0)
        return -1;
    cleanup_free char *name = ref_string(&r);
    struct oci_index idx;
    if (name == NULL || store_index_read(s, &idx, err) < 0) {
        if (name == NULL)
            keel_syserror(err, "resolve %s", ref);
        ref_release(&r);
        return -1;
    }
    const struct oci_descriptor *d = find_named(&idx, name);
    if (d == NULL && r.digest != NULL)
        d = find_by_digest(&idx, &r);
    int ret = d == NULL ? not_found(err, name, s->root)
                        : spec_copy(&spec_type_oci_descriptor, out, d, err);
    spec_release(&spec_type_oci_index, &idx);
    ref_release(&r);
    return ret;
}

static void remove_named(struct oci_index *idx, const char *name)
{
    for (size_t i = 0; i < idx->manifests_len;) {
        const char *n = store_entry_ref(&idx->manifests[i]);
        if (n == NULL || strcmp(n, name) != 0) {
            i++;
            continue;
        }
        spec_release(&spec_type_oci_descriptor, &idx->manifests[i]);
        memmove(&idx->manifests[i], &idx->manifests[i + 1],
                (idx->manifests_len - i - 1) * sizeof idx->manifests[0]);
        idx->manifests_len--;
    }
}

static int append_entry(struct oci_index *idx, const char *name,
                        const struct oci_descriptor *desc, keel_err *err)
{
    struct oci_descriptor *m =
        realloc(idx->manifests, (idx->manifests_len + 1) * sizeof *idx->manifests);
    if (m == NULL)
        return keel_syserror(err, "tag %s", name);
    idx->manifests = m;
    struct oci_descriptor *e = &m[idx->manifests_len];
    if (spec_copy(&spec_type_oci_descriptor, e, desc, err) < 0)
        return -1;
    idx->manifests_len++;
    if (spec_map_set(&e->annotations_keys, &e->annotations, &e->annotations_len,
                     STORE_REF_ANNOTATION, name) < 0)
        return keel_syserror(err, "tag %s", name);
    return 0;
}

/* Rewrites index.json under index.lock: drops `name`, then adds desc as `name`
 * when desc is not NULL. ENOENT when removing a name that is not there. */
static int index_update(struct store *s, const char *name, const struct oci_descriptor *desc,
                        keel_err *err)
{
    cleanup_free char *lock = path_join(s->root, "/index.lock");
    cleanup_free char *path = path_join(s->root, "/oci/index.json");
    if (lock == NULL || path == NULL)
        return keel_syserror(err, "update index.json");
    cleanup_close int fd = lock_file(lock, true, err);
    if (fd < 0)
        return -1;
    struct oci_index idx;
    if (store_index_read(s, &idx, err) < 0)
        return -1;
    int ret = 0;
    bool had = find_named(&idx, name) != NULL;
    remove_named(&idx, name);
    if (desc == NULL && !had)
        ret = not_found(err, name, s->root);
    else if (desc != NULL)
        ret = append_entry(&idx, name, desc, err);
    if (ret == 0) {
        if (idx.manifests == NULL)
            idx.manifests = calloc(1, sizeof *idx.manifests);
        ret = write_spec_file(s, path, &spec_type_oci_index, &idx, true, err);
    }
    spec_release(&spec_type_oci_index, &idx);
    return ret;
}

int store_tag(struct store *s, const char *ref, const struct oci_descriptor *desc, keel_err *err)
{
    cleanup_free char *name = ref_normalize(ref, err);
    if (name == NULL)
        return -1;
    if (!store_blob_exists(s, desc->digest, desc->has_size ? desc->size : -1))
        return keel_error(err, 0, "tag %s: blob %s is not in the store", name,
                          desc->digest ? desc->digest : "(none)");
    if (index_update(s, name, desc, err) < 0)
        return keel_error_wrap(err, "tag %s", name);
    return 0;
}

int store_untag(struct store *s, const char *ref, keel_err *err)
{
    cleanup_free char *name = ref_normalize(ref, err);
    if (name == NULL)
        return -1;
    return index_update(s, name, NULL, err);
}
