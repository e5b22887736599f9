/* Layer steps: mount, work, unmount, upper -> layer, cache record. */
#include "step.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "image_write.h"
#include "keel/cleanup.h"
#include "layer_create.h"
#include "layer_path.h"
#include "layer_store.h"
#include "overlay.h"
#include "util.h"

int stage_layer_paths(struct builder *b, const struct stage_image *st, char ***out,
                      keel_err *err)
{
    size_t n = st->cfg.rootfs->diff_ids_len;
    char **v = calloc(n + 1, sizeof *v);
    if (v == NULL)
        return keel_syserror(err, "layers");
    for (size_t i = 0; i < n; i++)
        if ((v[i] = store_layer_path(b->s, st->cfg.rootfs->diff_ids[i], err)) == NULL) {
            layer_paths_free(v, i);
            return -1;
        }
    *out = v;
    return 0;
}

static char *sub(const char *dir, const char *name)
{
    char *p;
    return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

int step_fs_mount(struct builder *b, const struct stage_image *st, struct step_fs *fs,
                  keel_err *err)
{
    memset(fs, 0, sizeof *fs);
    fs->rootfd = -1;
    if ((fs->dir = store_mkdtemp(b->s, "build", err)) == NULL)
        return -1;
    cleanup_free char *work = sub(fs->dir, "work");
    cleanup_free char *empty = sub(fs->dir, "empty");
    fs->rootfs = sub(fs->dir, "rootfs");
    fs->upper = sub(fs->dir, "upper");
    if (work == NULL || empty == NULL || fs->rootfs == NULL || fs->upper == NULL ||
        mkdir(fs->rootfs, 0755) < 0 || mkdir(fs->upper, 0755) < 0 || mkdir(work, 0700) < 0)
        return keel_syserror(err, "step directory %s", fs->dir);
    char **layers;
    size_t n = st->cfg.rootfs->diff_ids_len;
    if (stage_layer_paths(b, st, &layers, err) < 0)
        return -1;
    int rc;
    if (n == 0) { /* scratch: overlayfs needs a lower directory */
        char *one[] = {empty};
        rc = mkdir(empty, 0755) < 0 ? keel_syserror(err, "create %s", empty)
                                    : overlay_mount(one, 1, fs->upper, work, true, fs->rootfs, err);
    } else {
        rc = overlay_mount(layers, n, fs->upper, work, true, fs->rootfs, err);
    }
    layer_paths_free(layers, n);
    if (rc < 0)
        return -1;
    fs->mounted = true;
    fs->rootfd = open(fs->rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return fs->rootfd < 0 ? keel_syserror(err, "open %s", fs->rootfs) : 0;
}

static int step_fs_unmount(struct step_fs *fs, keel_err *err)
{
    if (fs->rootfd >= 0)
        close(fs->rootfd);
    fs->rootfd = -1;
    if (fs->mounted && umount2(fs->rootfs, 0) < 0 && umount2(fs->rootfs, MNT_DETACH) < 0)
        return keel_syserror(err, "unmount %s", fs->rootfs);
    fs->mounted = false;
    return 0;
}

void step_fs_release(struct step_fs *fs)
{
    keel_err ignored;
    step_fs_unmount(fs, &ignored);
    if (fs->dir != NULL)
        remove_tree_at(AT_FDCWD, fs->dir, &ignored);
    free(fs->dir);
    free(fs->rootfs);
    free(fs->upper);
    memset(fs, 0, sizeof *fs);
    fs->rootfd = -1;
}

static bool dir_empty(const char *path)
{
    cleanup_dir DIR *d = opendir(path);
    if (d == NULL)
        return false;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            return false;
    return true;
}

/* The stage takes the layer of a record. */
static int apply_record(struct builder *b, struct stage_image *st, const struct cache_record *r,
                        const char *created_by, keel_err *err)
{
    if (!r->empty) {
        struct oci_descriptor *v = realloc(st->layers, (st->nlayers + 1) * sizeof *v);
        if (v == NULL)
            return keel_syserror(err, "layers");
        st->layers = v;
        memset(&v[st->nlayers], 0, sizeof *v);
        if (descriptor_set(&v[st->nlayers++], OCI_MEDIA_LAYER_GZIP, r->digest, r->size) < 0 ||
            spec_strs_append(&st->cfg.rootfs->diff_ids, &st->cfg.rootfs->diff_ids_len,
                             r->diff_id) < 0)
            return keel_syserror(err, "layers");
    }
    char saved[sizeof b->created];
    memcpy(saved, b->created, sizeof saved);
    if (r->created[0] != '\0')
        snprintf(b->created, sizeof b->created, "%s", r->created);
    int rc = stage_history(b, st, created_by, r->empty, err);
    memcpy(b->created, saved, sizeof saved);
    return rc;
}

/* Runs fn and makes the layer; r describes it. */
static int run_step(struct builder *b, struct stage_image *st, step_fn *fn, void *arg,
                    struct cache_record *r, keel_err *err)
{
    struct step_fs fs;
    int rc = step_fs_mount(b, st, &fs, err);
    if (rc == 0)
        rc = fn(b, st, &fs, arg, err);
    if (rc == 0 && build_interrupted)
        rc = keel_error(err, EINTR, "build interrupted");
    if (rc == 0)
        rc = step_fs_unmount(&fs, err);
    if (rc == 0) {
        r->empty = dir_empty(fs.upper);
        snprintf(r->created, sizeof r->created, "%s", b->created);
    }
    if (rc == 0 && !r->empty) {
        struct created_layer l;
        rc = layer_create(b->s, fs.upper, b->o->epoch, &l, err);
        if (rc == 0)
            rc = layer_adopt(b->s, fs.upper, l.diff_id, err);
        if (rc == 0) {
            memcpy(r->diff_id, l.diff_id, DIGEST_BUF);
            memcpy(r->digest, l.digest, DIGEST_BUF);
            r->size = l.size;
        }
    }
    step_fs_release(&fs);
    return rc;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int layer_step(struct builder *b, struct stage_image *st, const char *key, size_t key_len,
               const char *header, const char *created_by, step_fn *fn, void *arg,
               keel_err *err)
{
    stage_key_add(st, key, key_len);
    progress_step(b, header);
    struct cache_record r = {0};
    if (!b->o->no_cache && cache_lookup(b->s, st->key, &r) == 1) {
        progress_done(b, true, 0);
        return apply_record(b, st, &r, created_by, err);
    }
    double t0 = now();
    if (run_step(b, st, fn, arg, &r, err) < 0)
        return -1;
    progress_done(b, false, now() - t0);
    if (cache_store(b->s, st->key, &r, err) < 0)
        return -1;
    return apply_record(b, st, &r, created_by, err);
}
