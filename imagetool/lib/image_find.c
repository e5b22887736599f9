/* Image arguments as docker reads them: IDs (config digests), their unique
 * prefixes and references, over the store's index. */
#include "image_find.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "keel/cleanup.h"

static const char *skip_algo(const char *arg)
{
    return strncmp(arg, "sha256:", 7) == 0 ? arg + 7 : arg;
}

static bool all_hex(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

bool image_id_full(const char *arg)
{
    const char *hex = skip_algo(arg);
    return strlen(hex) == 64 && all_hex(hex);
}

bool image_id_like(const char *arg)
{
    const char *hex = skip_algo(arg);
    return strlen(hex) <= 64 && all_hex(hex);
}

ssize_t image_id_match(char *const *ids, size_t n, const char *arg)
{
    if (!image_id_like(arg))
        return IMAGE_ID_NONE;
    const char *hex = skip_algo(arg);
    size_t len = strlen(hex);
    ssize_t found = IMAGE_ID_NONE;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == NULL || strncmp(skip_algo(ids[i]), hex, len) != 0)
            continue;
        if (found == IMAGE_ID_NONE)
            found = (ssize_t)i;
        else if (strcmp(ids[found], ids[i]) != 0)
            return IMAGE_ID_AMBIGUOUS;
    }
    return found;
}

void image_entries_release(struct image_entries *e)
{
    for (size_t i = 0; i < e->len; i++) {
        free(e->refs[i]);
        free(e->manifests[i]);
        free(e->ids[i]);
    }
    free(e->refs);
    free(e->manifests);
    free(e->ids);
    memset(e, 0, sizeof *e);
}

/* The config digest of the manifest d names, or NULL when it cannot be read. */
static char *config_digest(struct store *s, const struct oci_descriptor *d)
{
    struct oci_manifest m;
    keel_err ignored = {0};
    if (d->digest == NULL ||
        store_blob_parse(s, &spec_type_oci_manifest, d->digest, d->has_size ? d->size : -1, &m,
                         &ignored) < 0)
        return NULL;
    char *id = m.config != NULL && m.config->digest != NULL ? strdup(m.config->digest) : NULL;
    spec_release(&spec_type_oci_manifest, &m);
    return id;
}

int image_entries_read(struct store *s, struct image_entries *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    struct oci_index idx;
    if (store_index_read(s, &idx, err) < 0)
        return -1;
    size_t n = idx.manifests_len;
    out->refs = calloc(n + 1, sizeof *out->refs);
    out->manifests = calloc(n + 1, sizeof *out->manifests);
    out->ids = calloc(n + 1, sizeof *out->ids);
    int ret = out->refs && out->manifests && out->ids ? 0 : keel_syserror(err, "read index");
    for (size_t i = 0; i < n && ret == 0; i++) {
        const struct oci_descriptor *d = &idx.manifests[i];
        const char *name = store_entry_ref(d);
        if (name == NULL || d->digest == NULL)
            continue;
        size_t k = out->len++;
        out->refs[k] = strdup(name);
        out->manifests[k] = strdup(d->digest);
        out->ids[k] = config_digest(s, d);
        if (out->refs[k] == NULL || out->manifests[k] == NULL)
            ret = keel_syserror(err, "read index");
    }
    spec_release(&spec_type_oci_index, &idx);
    if (ret < 0)
        image_entries_release(out);
    return ret;
}

/* Both failures carry ENOENT for callers to test (without strerror in the text). */
static int not_found(keel_err *err, bool ambiguous, const char *arg, const char *root)
{
    if (ambiguous)
        keel_error(err, 0, "image ID prefix %s is ambiguous in %s", arg, root);
    else
        keel_error(err, 0, "image %s not found in %s", arg, root);
    if (err != NULL)
        err->errnum = ENOENT;
    return -1;
}

/* Fills out from entry k of e: the image and every reference to it. */
static int fill(const struct image_entries *e, size_t k, bool by_id, struct image_found *out,
                keel_err *err)
{
    out->by_id = by_id;
    out->ref = strdup(e->refs[k]);
    out->manifest = strdup(e->manifests[k]);
    out->id = strdup(e->ids[k]);
    out->refs = calloc(e->len + 1, sizeof *out->refs);
    out->ref_manifests = calloc(e->len + 1, sizeof *out->ref_manifests);
    if (out->ref == NULL || out->manifest == NULL || out->id == NULL || out->refs == NULL ||
        out->ref_manifests == NULL)
        return keel_syserror(err, "image %s", e->refs[k]);
    for (size_t i = 0; i < e->len; i++) {
        if (e->ids[i] == NULL || strcmp(e->ids[i], e->ids[k]) != 0)
            continue;
        out->refs[out->refs_len] = strdup(e->refs[i]);
        out->ref_manifests[out->refs_len] = strdup(e->manifests[i]);
        if (out->refs[out->refs_len++] == NULL || out->ref_manifests[out->refs_len - 1] == NULL)
            return keel_syserror(err, "image %s", e->refs[k]);
    }
    return 0;
}

/* The entry a reference names: its exact name, or repo@digest of an entry
 * pulled from that repository. */
static ssize_t find_reference(struct store *s, const struct image_entries *e, const char *arg)
{
    struct oci_descriptor d;
    keel_err ignored = {0};
    if (store_resolve(s, arg, &d, &ignored) < 0)
        return IMAGE_ID_NONE;
    const char *name = store_entry_ref(&d);
    ssize_t k = IMAGE_ID_NONE;
    for (size_t i = 0; i < e->len && k == IMAGE_ID_NONE; i++)
        if (name != NULL && strcmp(e->refs[i], name) == 0 && e->ids[i] != NULL)
            k = (ssize_t)i;
    spec_release(&spec_type_oci_descriptor, &d);
    return k;
}

int image_find(struct store *s, const char *arg, struct image_found *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    struct image_entries e;
    if (image_entries_read(s, &e, err) < 0)
        return -1;
    bool by_id = true;
    ssize_t k;
    if (image_id_full(arg)) {
        k = image_id_match(e.ids, e.len, arg);
    } else {
        k = find_reference(s, &e, arg);
        by_id = k < 0;
        if (k < 0)
            k = image_id_match(e.ids, e.len, arg);
    }
    int ret;
    if (k < 0)
        ret = not_found(err, k == IMAGE_ID_AMBIGUOUS, arg, s->root);
    else
        ret = fill(&e, (size_t)k, by_id, out, err);
    image_entries_release(&e);
    if (ret < 0)
        image_found_release(out);
    return ret;
}

void image_found_release(struct image_found *f)
{
    for (size_t i = 0; i < f->refs_len; i++) {
        free(f->refs[i]);
        free(f->ref_manifests[i]);
    }
    free(f->refs);
    free(f->ref_manifests);
    free(f->id);
    free(f->manifest);
    free(f->ref);
    memset(f, 0, sizeof *f);
}

int image_resolve(struct store *s, const char *arg, struct oci_descriptor *out, keel_err *err)
{
    /* the common case, a name, without reading every manifest */
    if (!image_id_like(arg))
        return store_resolve(s, arg, out, err);
    struct image_found f;
    if (image_find(s, arg, &f, err) < 0)
        return -1;
    int ret = store_resolve(s, f.ref, out, err);
    image_found_release(&f);
    return ret;
}
