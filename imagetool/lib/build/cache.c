/* Cache records: written atomically, read back only if their layer is whole. */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder.h"
#include "keel/cleanup.h"
#include "util.h"

static char *record_path(struct store *s, const char *key)
{
    if (!digest_is_valid(key))
        return NULL;
    char *p;
    return asprintf(&p, "%s" BUILD_CACHE_DIR "/%s", s->root, digest_hex(key)) < 0 ? NULL : p;
}

static int parse_record(const char *text, struct cache_record *r)
{
    memset(r, 0, sizeof *r);
    if (strncmp(text, "- ", 2) == 0) {
        r->empty = true;
        return sscanf(text + 2, "%39s", r->created) == 1 ? 0 : -1;
    }
    if (sscanf(text, "%71s %71s %" SCNd64 " %39s", r->diff_id, r->digest, &r->size,
               r->created) != 4 || !digest_is_valid(r->diff_id) || !digest_is_valid(r->digest))
        return -1;
    return 0;
}

static int read_record(const char *path, struct cache_record *r)
{
    char *text = NULL;
    size_t len;
    keel_err ignored;
    if (read_file(path, 4096, &text, &len, &ignored) < 0)
        return -1;
    int rc = parse_record(text, r);
    free(text);
    return rc;
}

int cache_lookup(struct store *s, const char *key, struct cache_record *out)
{
    cleanup_free char *path = record_path(s, key);
    if (path == NULL || read_record(path, out) < 0)
        return 0;
    if (out->empty)
        return 1;
    keel_err ignored;
    cleanup_free char *layer = store_layer_path(s, out->diff_id, &ignored);
    return layer != NULL && access(layer, F_OK) == 0 &&
           store_blob_exists(s, out->digest, out->size);
}

int cache_store(struct store *s, const char *key, const struct cache_record *r, keel_err *err)
{
    cleanup_free char *dir = path_join(s->root, BUILD_CACHE_DIR);
    if (dir == NULL || (mkdir(dir, 0700) < 0 && errno != EEXIST))
        return keel_syserror(err, "build cache %s", dir ? dir : "");
    cleanup_free char *path = record_path(s, key);
    char line[256];
    int l = r->empty ? snprintf(line, sizeof line, "- %s\n", r->created)
                     : snprintf(line, sizeof line, "%s %s %" PRId64 " %s\n", r->diff_id,
                                r->digest, r->size, r->created);
    if (path == NULL)
        return keel_error(err, EINVAL, "build cache: bad key %s", key);
    return write_file_atomic(s, path, line, (size_t)l, false, err);
}

/* Calls fn with the path of each record. */
static int each_record(struct store *s, int (*fn)(void *arg, const char *path, keel_err *err),
                       void *arg, keel_err *err)
{
    cleanup_free char *dir = path_join(s->root, BUILD_CACHE_DIR);
    if (dir == NULL)
        return keel_syserror(err, "build cache");
    cleanup_dir DIR *d = opendir(dir);
    if (d == NULL)
        return errno == ENOENT ? 0 : keel_syserror(err, "open %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (fn(arg, path, err) < 0)
            return -1;
    }
    return 0;
}

struct layer_visit {
    void (*fn)(void *arg, const char *diff_id, const char *digest);
    void *arg;
};

static int visit_layer(void *arg, const char *path, keel_err *err)
{
    (void)err;
    struct layer_visit *v = arg;
    struct cache_record r;
    if (read_record(path, &r) == 0 && !r.empty)
        v->fn(v->arg, r.diff_id, r.digest);
    return 0;
}

int cache_each_layer(struct store *s, void (*fn)(void *arg, const char *diff_id,
                                                 const char *digest), void *arg, keel_err *err)
{
    struct layer_visit v = {fn, arg};
    return each_record(s, visit_layer, &v, err);
}

static int remove_record(void *arg, const char *path, keel_err *err)
{
    if (unlink(path) < 0 && errno != ENOENT)
        return keel_syserror(err, "remove %s", path);
    (*(size_t *)arg)++;
    return 0;
}

int build_cache_prune(struct store *s, size_t *removed, keel_err *err)
{
    if (each_record(s, remove_record, removed, err) < 0)
        return -1;
    cleanup_free char *mounts = path_join(s->root, BUILD_MOUNTS_DIR);
    cleanup_free char *sums = path_join(s->root, BUILD_CACHE_DIR "/.filesums");
    if (mounts == NULL || sums == NULL)
        return keel_syserror(err, "build cache");
    if (unlink(sums) < 0 && errno != ENOENT)
        return keel_syserror(err, "remove %s", sums);
    return remove_tree(mounts, err);
}

struct usage {
    struct store *s;
    struct build_cache_usage *u;
};

static int add_usage(void *arg, const char *path, keel_err *err)
{
    struct usage *x = arg;
    struct cache_record r;
    x->u->records++;
    if (read_record(path, &r) < 0 || r.empty)
        return 0;
    cleanup_free char *blob = store_blob_path(x->s, r.digest, err);
    cleanup_free char *layer = store_layer_path(x->s, r.diff_id, err);
    struct stat st;
    if (blob != NULL && stat(blob, &st) == 0)
        x->u->bytes += st.st_size;
    long long used = layer != NULL ? tree_size(layer) : -1;
    x->u->bytes += used > 0 ? used : 0; /* -1: gone */
    return 0;
}

int build_cache_usage(struct store *s, struct build_cache_usage *u, keel_err *err)
{
    memset(u, 0, sizeof *u);
    struct usage x = {s, u};
    if (each_record(s, add_usage, &x, err) < 0)
        return -1;
    cleanup_free char *mounts = path_join(s->root, BUILD_MOUNTS_DIR);
    if (mounts == NULL)
        return keel_syserror(err, "build cache");
    long long used = tree_size(mounts);
    u->bytes += used > 0 ? used : 0; /* -1: no cache mount yet */
    return 0;
}
