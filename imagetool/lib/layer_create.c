/* Upper directory -> tar -> gzip -> blob, hashed twice on the way (the DiffID
 * over the tar, the blob digest over the gzip stream). */
#include "layer_create.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "layer_path.h"
#include "util.h"
#include "whiteout.h"

#define OUT_CHUNK (256u << 10)
#define XATTR_LIST_MAX_BYTES 65536

struct hardlink {
    dev_t dev;
    ino_t ino;
    char *path;
};

struct gen {
    struct store *store;
    int64_t epoch;
    bool keep_xattrs; /* the directory is not ours to change */
    layer_skip_fn *skip;
    struct archive *ar;
    struct digester *diff;
    struct blob_writer *blob;
    struct isal_zstream z;
    uint8_t *level_buf, *out;
    struct hardlink *links;
    size_t nlinks;
    keel_err *err;
    bool failed;
};

static int deflate_some(struct gen *g, const void *buf, size_t len, bool last)
{
    g->z.next_in = (uint8_t *)buf;
    g->z.avail_in = (uint32_t)len;
    g->z.end_of_stream = last;
    do {
        g->z.next_out = g->out;
        g->z.avail_out = OUT_CHUNK;
        if (isal_deflate(&g->z) != COMP_OK)
            return keel_error(g->err, 0, "layer: gzip compression failed");
        size_t n = OUT_CHUNK - g->z.avail_out;
        if (n > 0 && blob_writer_write(g->blob, g->out, n, g->err) < 0)
            return -1;
    } while (g->z.avail_in > 0 || g->z.avail_out == 0 ||
             (last && g->z.internal_state.state != ZSTATE_END));
    return 0;
}

static la_ssize_t tar_write(struct archive *a, void *ctx, const void *buf, size_t len)
{
    (void)a;
    struct gen *g = ctx;
    digester_update(g->diff, buf, len);
    if (deflate_some(g, buf, len, false) < 0) {
        g->failed = true;
        return -1;
    }
    return (la_ssize_t)len;
}

static int64_t clamp(const struct gen *g, int64_t t)
{
    return g->epoch >= 0 && t > g->epoch ? g->epoch : t;
}

static int tar_error(struct gen *g, const char *path)
{
    if (g->failed)
        return keel_error_wrap(g->err, "layer %s", path);
    return keel_error(g->err, 0, "layer: write %s: %s", path, archive_error_string(g->ar));
}

/* xattrs except overlayfs' own (an upper directory's bookkeeping); those
 * other than opaque are dropped from the directory too, so that it is a
 * plain layer once stored. */
static int add_xattrs(struct gen *g, struct archive_entry *e, const char *full, bool *opaque)
{
    char list[XATTR_LIST_MAX_BYTES];
    ssize_t n = llistxattr(full, list, sizeof list);
    if (n < 0)
        return errno == ENOTSUP ? 0 : keel_syserror(g->err, "layer: list xattrs of %s", full);
    for (char *k = list; k < list + n; k += strlen(k) + 1) {
        if (strncmp(k, "trusted.overlay.", 16) == 0) {
            char v[8];
            ssize_t vl = lgetxattr(full, k, v, sizeof v);
            if (strcmp(k, OVERLAY_OPAQUE_XATTR) == 0)
                *opaque = vl == 1 && v[0] == 'y';
            else if (!g->keep_xattrs)
                lremovexattr(full, k); /* only bookkeeping; a failure leaves it harmless */
            continue;
        }
        char v[XATTR_LIST_MAX_BYTES];
        ssize_t vl = lgetxattr(full, k, v, sizeof v);
        if (vl < 0)
            return keel_syserror(g->err, "layer: read xattr %s of %s", k, full);
        archive_entry_xattr_add_entry(e, k, v, (size_t)vl);
    }
    return 0;
}

static int add_data(void *arg, const void *buf, size_t len)
{
    struct gen *g = arg;
    return archive_write_data(g->ar, buf, len) == (la_ssize_t)len ? 0 : -2;
}

static int write_data(struct gen *g, int dirfd, const char *name, const char *path)
{
    cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return keel_syserror(g->err, "layer: open %s", path);
    int rc = fd_each_chunk(fd, add_data, g);
    if (rc == -1)
        return keel_syserror(g->err, "layer: read %s", path);
    return rc < 0 ? tar_error(g, path) : 0;
}

static int write_header(struct gen *g, struct archive_entry *e, const char *path)
{
    return archive_write_header(g->ar, e) != ARCHIVE_OK ? tar_error(g, path) : 0;
}

/* The first path of a hard-linked inode, or NULL after remembering this one. */
static const char *link_target(struct gen *g, const struct stat *st, const char *path)
{
    for (size_t i = 0; i < g->nlinks; i++)
        if (g->links[i].dev == st->st_dev && g->links[i].ino == st->st_ino)
            return g->links[i].path;
    struct hardlink *v = realloc(g->links, (g->nlinks + 1) * sizeof *v);
    if (v == NULL)
        return NULL;
    g->links = v;
    char *p = strdup(path);
    if (p != NULL)
        v[g->nlinks++] = (struct hardlink){st->st_dev, st->st_ino, p};
    return NULL;
}

static int walk(struct gen *g, int dirfd, const char *full, const char *rel);

static int whiteout_entry(struct gen *g, const char *rel_dir, const char *name, int64_t mtime)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s%s" WHITEOUT_PREFIX "%s", rel_dir,
             rel_dir[0] != '\0' ? "/" : "", name);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, path);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0);
    archive_entry_set_size(e, 0);
    archive_entry_set_mtime(e, clamp(g, mtime), 0);
    int rc = write_header(g, e, path);
    archive_entry_free(e);
    return rc;
}

static int entry(struct gen *g, int dirfd, const char *full_dir, const char *rel_dir,
                 const char *name)
{
    char full[PATH_MAX], rel[PATH_MAX];
    snprintf(full, sizeof full, "%s/%s", full_dir, name);
    snprintf(rel, sizeof rel, "%s%s%s", rel_dir, rel_dir[0] != '\0' ? "/" : "", name);
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return keel_syserror(g->err, "layer: stat %s", full);
    if (g->skip != NULL && g->skip(rel, &st, dirfd, name))
        return 0;
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0))
        return whiteout_entry(g, rel_dir, name, st.st_mtim.tv_sec);
    struct archive_entry *e = archive_entry_new();
    if (e == NULL)
        return keel_syserror(g->err, "layer %s", rel);
    archive_entry_copy_stat(e, &st);
    archive_entry_set_mtime(e, clamp(g, st.st_mtim.tv_sec), 0);
    archive_entry_unset_atime(e);
    archive_entry_unset_ctime(e);
    archive_entry_set_pathname(e, rel);
    archive_entry_set_ino(e, 0);
    archive_entry_set_dev(e, 0);
    archive_entry_set_nlink(e, 1);
    bool opaque = false;
    int rc = add_xattrs(g, e, full, &opaque);
    const char *target = NULL;
    if (rc == 0 && S_ISLNK(st.st_mode)) {
        char buf[PATH_MAX];
        ssize_t n = readlinkat(dirfd, name, buf, sizeof buf - 1);
        if (n < 0)
            rc = keel_syserror(g->err, "layer: readlink %s", full);
        else
            buf[n] = '\0', archive_entry_copy_symlink(e, buf);
    } else if (rc == 0 && S_ISREG(st.st_mode) && st.st_nlink > 1 &&
               (target = link_target(g, &st, rel)) != NULL) {
        archive_entry_copy_hardlink(e, target);
        archive_entry_set_size(e, 0);
    }
    if (rc == 0 && !S_ISREG(st.st_mode))
        archive_entry_set_size(e, 0);
    if (rc == 0)
        rc = write_header(g, e, rel);
    archive_entry_free(e);
    if (rc == 0 && S_ISREG(st.st_mode) && target == NULL && st.st_size > 0)
        rc = write_data(g, dirfd, name, rel);
    if (rc == 0 && opaque)
        rc = whiteout_entry(g, rel, WHITEOUT_OPAQUE_NAME + strlen(WHITEOUT_PREFIX),
                            st.st_mtim.tv_sec);
    if (rc == 0 && S_ISDIR(st.st_mode)) {
        cleanup_close int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        rc = sub < 0 ? keel_syserror(g->err, "layer: open %s", full) : walk(g, sub, full, rel);
    }
    return rc;
}

static int walk(struct gen *g, int dirfd, const char *full, const char *rel)
{
    struct dirent **names;
    int n = scandir_sorted(dirfd, &names);
    if (n < 0)
        return keel_syserror(g->err, "layer: read directory %s", full);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (rc == 0)
            rc = entry(g, dirfd, full, rel, names[i]->d_name);
        free(names[i]);
    }
    free(names);
    return rc;
}

static void gen_free(struct gen *g)
{
    if (g->ar != NULL)
        archive_write_free(g->ar);
    digester_free(g->diff);
    blob_writer_abort(g->blob);
    free(g->level_buf);
    free(g->out);
    for (size_t i = 0; i < g->nlinks; i++)
        free(g->links[i].path);
    free(g->links);
}

static int gen_start(struct gen *g, keel_err *err)
{
    if ((g->diff = digester_new(err)) == NULL ||
        (g->blob = store_blob_create(g->store, NULL, -1, err)) == NULL)
        return -1;
    g->level_buf = malloc(ISAL_DEF_LVL1_DEFAULT);
    g->out = malloc(OUT_CHUNK);
    g->ar = archive_write_new();
    if (g->level_buf == NULL || g->out == NULL || g->ar == NULL)
        return keel_syserror(err, "layer");
    isal_deflate_init(&g->z);
    g->z.gzip_flag = IGZIP_GZIP;
    g->z.level = 1;
    g->z.level_buf = g->level_buf;
    g->z.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
    /* no block padding: a tar's end is two zero blocks, as docker writes */
    if (archive_write_set_format_pax_restricted(g->ar) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(g->ar, 1) != ARCHIVE_OK ||
        archive_write_open2(g->ar, g, NULL, tar_write, NULL, NULL) != ARCHIVE_OK)
        return keel_error(err, 0, "layer: %s", archive_error_string(g->ar));
    return 0;
}

static int create(struct store *s, const char *dir, int64_t epoch, bool keep_xattrs,
                  layer_skip_fn *skip, struct created_layer *out, keel_err *err)
{
    struct gen g = {.store = s, .epoch = epoch, .keep_xattrs = keep_xattrs, .skip = skip,
                    .err = err};
    int rc = gen_start(&g, err);
    if (rc == 0) {
        cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        rc = fd < 0 ? keel_syserror(err, "layer: open %s", dir) : walk(&g, fd, dir, "");
    }
    if (rc == 0 && archive_write_close(g.ar) != ARCHIVE_OK)
        rc = tar_error(&g, dir);
    if (rc == 0)
        rc = deflate_some(&g, NULL, 0, true);
    if (rc == 0) {
        digester_final(g.diff, out->diff_id);
        out->size = blob_writer_size(g.blob);
        struct blob_writer *w = steal_ptr(g.blob);
        rc = blob_writer_commit_digest(w, out->digest, err);
    }
    gen_free(&g);
    return rc;
}

int layer_create(struct store *s, const char *dir, int64_t epoch, struct created_layer *out,
                 keel_err *err)
{
    return create(s, dir, epoch, false, NULL, out, err);
}

int layer_create_readonly(struct store *s, const char *dir, int64_t epoch, layer_skip_fn *skip,
                          struct created_layer *out, keel_err *err)
{
    return create(s, dir, epoch, true, skip, out, err);
}

int layer_adopt(struct store *s, const char *dir, const char *diff_id, keel_err *err)
{
    cleanup_free char *dest = store_layer_path(s, diff_id, err);
    if (dest == NULL)
        return -1;
    if (rename(dir, dest) == 0) {
        chmod(dest, 0755); /* mkdtemp made it 0700; the layer's root is the rootfs' */
        return 0;
    }
    if (errno != EEXIST && errno != ENOTEMPTY)
        return keel_syserror(err, "rename %s to %s", dir, dest);
    return remove_tree_at(AT_FDCWD, dir, err); /* the same layer is already there */
}
