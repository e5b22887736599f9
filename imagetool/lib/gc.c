/* Garbage collection: mark what index.json, the live bundles and the build
 * cache reach, sweep the rest of blobs/, layers/, bundles/, sources/ and tmp/. Runs under the exclusive
 * store lock, so no pull, unpack or bundle is half done. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/cache.h"
#include "image.h"
#include "keel/cleanup.h"
#include "util.h"

#define MAX_NESTING 4

struct digest_set {
    char **v;
    size_t n, cap;
};

static int set_add(struct digest_set *s, const char *d)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], d) == 0)
            return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    if ((s->v[s->n] = strdup(d)) == NULL)
        return -1;
    s->n++;
    return 0;
}

static bool set_has(const struct digest_set *s, const char *d)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], d) == 0)
            return true;
    return false;
}

static void set_free(struct digest_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

struct mark {
    struct store *store;
    struct digest_set blobs, layers;
    bool failed;
};

static int mark_config(struct mark *m, const struct oci_descriptor *cd, keel_err *err)
{
    if (set_add(&m->blobs, cd->digest) < 0)
        return keel_syserror(err, "gc");
    struct oci_image_config cfg;
    if (store_blob_parse(m->store, &spec_type_oci_image_config, cd->digest,
                         cd->has_size ? cd->size : -1, &cfg, err) < 0)
        return keel_error_wrap(err, "config");
    int ret = 0;
    for (size_t i = 0; cfg.rootfs != NULL && i < cfg.rootfs->diff_ids_len && ret == 0; i++)
        if (set_add(&m->layers, cfg.rootfs->diff_ids[i]) < 0)
            ret = keel_syserror(err, "gc");
    spec_release(&spec_type_oci_image_config, &cfg);
    return ret;
}

/* Marks a manifest or index and what it references. A referenced blob that
 * is missing is fine (a partial image from another tool); one that cannot
 * be read stops gc: what it references is unknown. */
static int mark_manifest(struct mark *m, const char *digest, int64_t size, int depth,
                         keel_err *err)
{
    if (!digest_is_valid(digest) || set_has(&m->blobs, digest))
        return 0;
    if (set_add(&m->blobs, digest) < 0)
        return keel_syserror(err, "gc");
    if (!store_blob_exists(m->store, digest, -1) || depth > MAX_NESTING)
        return 0;
    struct oci_manifest man;
    struct oci_index idx;
    if (store_blob_parse(m->store, &spec_type_oci_manifest, digest, size, &man, err) < 0 ||
        store_blob_parse(m->store, &spec_type_oci_index, digest, size, &idx, err) < 0) {
        spec_release(&spec_type_oci_manifest, &man);
        return keel_error_wrap(err, "gc: cannot tell what manifest %s references", digest);
    }
    int ret = 0;
    for (size_t i = 0; i < idx.manifests_len && ret == 0; i++)
        ret = mark_manifest(m, idx.manifests[i].digest,
                            idx.manifests[i].has_size ? idx.manifests[i].size : -1, depth + 1, err);
    for (size_t i = 0; i < man.layers_len && ret == 0; i++)
        if (digest_is_valid(man.layers[i].digest) && set_add(&m->blobs, man.layers[i].digest) < 0)
            ret = keel_syserror(err, "gc");
    if (ret == 0 && man.config != NULL && digest_is_valid(man.config->digest) &&
        store_blob_exists(m->store, man.config->digest, -1))
        ret = mark_config(m, man.config, err);
    if (ret < 0)
        keel_error_wrap(err, "gc: image %s", digest);
    spec_release(&spec_type_oci_manifest, &man);
    spec_release(&spec_type_oci_index, &idx);
    return ret;
}

static void report(struct gc_report *rep, const char *what, const char *name, long long bytes)
{
    rep->bytes += bytes > 0 ? bytes : 0;
    if (rep->removed != NULL)
        rep->removed(rep->arg, what, name, bytes);
}

/* A build cache record's layer: kept until the cache is pruned. */
static void mark_cached(void *arg, const char *diff_id, const char *digest)
{
    struct mark *m = arg;
    if (set_add(&m->layers, diff_id) < 0 || set_add(&m->blobs, digest) < 0)
        m->failed = true;
}

static int mark_roots(struct mark *m, bool dry_run, struct gc_report *rep, keel_err *err)
{
    if (cache_each_layer(m->store, mark_cached, m, err) < 0)
        return -1;
    if (m->failed)
        return keel_syserror(err, "gc");
    struct oci_index idx;
    if (store_index_read(m->store, &idx, err) < 0)
        return -1;
    int ret = 0;
    for (size_t i = 0; i < idx.manifests_len && ret == 0; i++)
        ret = mark_manifest(m, idx.manifests[i].digest,
                            idx.manifests[i].has_size ? idx.manifests[i].size : -1, 0, err);
    spec_release(&spec_type_oci_index, &idx);
    if (ret < 0)
        return -1;
    struct keel_bundle_record *v;
    size_t n;
    if (store_bundle_list(m->store, &v, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n && ret == 0; i++) {
        if (bundle_is_live(&v[i])) {
            ret = mark_manifest(m, v[i].manifest, -1, 0, err);
        } else {
            rep->records++;
            report(rep, "bundle record", v[i].path, 0);
            if (!dry_run)
                ret = store_bundle_remove(m->store, v[i].path, err);
        }
    }
    keel_bundle_records_free(v, n);
    return ret;
}

/* Sweeps one directory of the store: entries keep() rejects go. */
static int sweep(struct store *s, const char *sub, const char *what, const struct digest_set *keep,
                 bool dry_run, size_t *count, struct gc_report *rep, keel_err *err)
{
    cleanup_free char *dir = path_join(s->root, sub);
    if (dir == NULL)
        return keel_syserror(err, "gc");
    cleanup_dir DIR *d = opendir(dir);
    if (d == NULL)
        return keel_syserror(err, "gc: open %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char name[DIGEST_BUF + 256];
        snprintf(name, sizeof name, "%s%s", keep != NULL ? "sha256:" : "", e->d_name);
        if (keep != NULL && set_has(keep, name))
            continue;
        cleanup_free char *p = path_join(dir, "/");
        cleanup_free char *full = p ? path_join(p, e->d_name) : NULL;
        if (full == NULL)
            return keel_syserror(err, "gc");
        long long bytes = tree_size(full);
        if (!dry_run && remove_tree(full, err) < 0)
            return -1;
        (*count)++;
        report(rep, what, keep != NULL ? name : full, bytes);
    }
    return 0;
}

int image_gc(struct store *s, bool dry_run, struct gc_report *rep, keel_err *err)
{
    struct mark m = {.store = s};
    int ret = mark_roots(&m, dry_run, rep, err);
    if (ret == 0)
        ret = sweep(s, "/oci/blobs/sha256", "blob", &m.blobs, dry_run, &rep->blobs, rep, err);
    if (ret == 0)
        ret = sweep(s, "/layers/sha256", "layer", &m.layers, dry_run, &rep->layers, rep, err);
    if (ret == 0)
        ret = sweep(s, "/sources/sha256", "blob source", &m.blobs, dry_run, &rep->sources, rep,
                    err);
    if (ret == 0)
        ret = sweep(s, "/tmp", "temp", NULL, dry_run, &rep->temps, rep, err);
    set_free(&m.blobs);
    set_free(&m.layers);
    return ret;
}
