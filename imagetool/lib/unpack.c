/* The layer applier. Every entry is created with fd-relative *at calls on its
 * parent directory, which is resolved inside the target (RESOLVE_IN_ROOT) and
 * cached while entries stay in one directory; ownership, mode bits and xattrs
 * are set only where they differ from what creation already gave, since on a
 * slow disk each call on a file costs. */
#include "unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "layer_path.h"
#include "layer_reader.h"
#include "whiteout.h"
#include "write_pool.h"

/* Files up to this size are written by the pool; bigger ones (and sparse
 * ones) by the applier itself. */
#define POOL_FILE_MAX (8u << 20)
#define POOL_QUEUE_BYTES (64u << 20)
#define POOL_THREADS 2
/* A flat unpack decompresses up to this many layers ahead, each up to this
 * many bytes. Every byte of read-ahead is memory touched for the first time
 * (a page fault and a page cleared, slow in this VM while the written files
 * fill the page cache): 64 MiB cost 15% more CPU than 32 on a disk, for no
 * more overlap. */
#define UNPACK_AHEAD_LAYERS 3
#define UNPACK_AHEAD_BYTES (32u << 20)

/* The paths one layer wrote (flat target only): its own whiteouts spare them. */
struct pathset {
    char **slot;
    size_t cap, n;
};

/* A directory fd shared by the applier's cache and the pool's jobs in it
 * (instead of a dup per file): closed by whoever drops the last reference. */
struct dir_ref {
    int fd;
    atomic_uint refs;
};

static void dir_ref_put(struct dir_ref *d)
{
    if (d != NULL && atomic_fetch_sub(&d->refs, 1) == 1) {
        close(d->fd);
        free(d);
    }
}

struct dir_time {
    char *path;
    struct timespec ts[2];
};

struct applier {
    int rootfd;
    enum layer_target target;
    bool owner;        /* running as root: restore ownership */
    uid_t uid;         /* what a new file gets without a chown */
    gid_t gid;
    struct archive *tar;
    struct layer_reader *reader;

    char parent[4096]; /* the cached parent directory and its fd */
    int parent_fd;
    struct dir_ref *parent_ref; /* parent_fd, shared with queued jobs */
    bool parent_setgid;
    gid_t parent_gid;

    struct dir_time *dirs;
    size_t ndirs, capdirs;
    struct pathset written;

    struct write_pool *pool; /* NULL: every file written here */
    struct pathset pending;  /* paths queued to the pool since the last drain */
    bool pinned_any;         /* a job pinned a reader buffer: pinned_seq's */
    uint64_t pinned_seq;
    atomic_uint removals;    /* bumped by the pool when it replaces an entry */
    unsigned seen_removals;
};

/* Who a new file belongs to without a chown, and whether to chown at all. */
struct owner_ctx {
    bool owner;
    uid_t uid;
    gid_t new_gid;
};

static mode_t process_umask;
static pthread_once_t umask_once = PTHREAD_ONCE_INIT;

static void read_umask(void)
{
    process_umask = umask(022);
    umask(process_umask);
}

static uint64_t path_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static bool pathset_has(const struct pathset *set, const char *path)
{
    if (set->cap == 0)
        return false;
    for (size_t i = path_hash(path) & (set->cap - 1); set->slot[i] != NULL;
         i = (i + 1) & (set->cap - 1))
        if (strcmp(set->slot[i], path) == 0)
            return true;
    return false;
}

static int pathset_add(struct pathset *set, const char *path)
{
    if (pathset_has(set, path))
        return 0;
    if ((set->n + 1) * 2 > set->cap) {
        size_t cap = set->cap != 0 ? set->cap * 2 : 1024;
        char **slot = calloc(cap, sizeof *slot);
        if (slot == NULL)
            return -1;
        for (size_t i = 0; i < set->cap; i++) {
            if (set->slot[i] == NULL)
                continue;
            size_t j = path_hash(set->slot[i]) & (cap - 1);
            while (slot[j] != NULL)
                j = (j + 1) & (cap - 1);
            slot[j] = set->slot[i];
        }
        free(set->slot);
        set->slot = slot;
        set->cap = cap;
    }
    size_t i = path_hash(path) & (set->cap - 1);
    while (set->slot[i] != NULL)
        i = (i + 1) & (set->cap - 1);
    if ((set->slot[i] = strdup(path)) == NULL)
        return -1;
    set->n++;
    return 0;
}

static void pathset_free(struct pathset *set)
{
    for (size_t i = 0; i < set->cap; i++)
        free(set->slot[i]);
    free(set->slot);
}

static void pathset_clear(struct pathset *set)
{
    pathset_free(set);
    memset(set, 0, sizeof *set);
}

static bool written_by_layer(void *ctx, const char *path)
{
    return pathset_has(&((struct applier *)ctx)->written, path);
}

static void forget_parent(struct applier *ap)
{
    if (ap->parent_ref != NULL)
        dir_ref_put(ap->parent_ref);
    else if (ap->parent_fd >= 0)
        close(ap->parent_fd);
    ap->parent_ref = NULL;
    ap->parent_fd = -1;
}

/* The directory `dir` (cleaned) as an O_PATH fd, made if missing. The fd
 * belongs to the cache. */
static int open_parent(struct applier *ap, const char *dir, keel_err *err)
{
    unsigned removals = atomic_load(&ap->removals);
    if (removals != ap->seen_removals) {
        ap->seen_removals = removals;
        forget_parent(ap);
    }
    if (ap->parent_fd >= 0 && strcmp(ap->parent, dir) == 0)
        return ap->parent_fd;
    forget_parent(ap);
    int fd = root_open_dir(ap->rootfd, dir, O_PATH, true, err);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return keel_syserror(err, "stat %s", *dir != '\0' ? dir : "/");
    }
    struct dir_ref *ref = malloc(sizeof *ref);
    if (ref == NULL) {
        close(fd);
        return keel_syserror(err, "open %s", *dir != '\0' ? dir : "/");
    }
    ref->fd = fd;
    atomic_init(&ref->refs, 1);
    snprintf(ap->parent, sizeof ap->parent, "%s", dir);
    ap->parent_fd = fd;
    ap->parent_ref = ref;
    ap->parent_setgid = (st.st_mode & S_ISGID) != 0;
    ap->parent_gid = st.st_gid;
    return fd;
}

/* Removing entries may replace a directory on the cached path: look it up
 * afresh next time (the fd itself stays valid for the entry in hand). */
static int remove_existing(struct applier *ap, int pfd, const char *base, keel_err *err)
{
    if (remove_tree_at(pfd, base, err) < 0)
        return -1;
    if (ap->parent_fd >= 0)
        ap->parent[0] = '\001';
    return 0;
}

static struct owner_ctx owner_of(const struct applier *ap)
{
    return (struct owner_ctx){
        .owner = ap->owner,
        .uid = ap->uid,
        .new_gid = ap->parent_setgid ? ap->parent_gid : ap->gid,
    };
}

static void entry_times(struct archive_entry *e, struct timespec ts[2])
{
    ts[1].tv_sec = archive_entry_mtime(e);
    ts[1].tv_nsec = archive_entry_mtime_nsec(e);
    if (archive_entry_atime_is_set(e)) {
        ts[0].tv_sec = archive_entry_atime(e);
        ts[0].tv_nsec = archive_entry_atime_nsec(e);
    } else {
        ts[0] = ts[1];
    }
}

/* What set_metadata and set_times need of an entry. A pooled file keeps this
 * rather than a clone of the whole entry, whose strings libarchive converts
 * and copies (that was a sixth of the pool's CPU time). */
struct entry_meta {
    mode_t perm;
    uid_t uid;
    gid_t gid;
    struct timespec ts[2];
    struct archive_entry *xattrs; /* the entry, when it has xattrs */
};

static struct entry_meta entry_meta_of(struct archive_entry *e)
{
    struct entry_meta m = {
        .perm = archive_entry_perm(e) & 07777,
        .uid = (uid_t)archive_entry_uid(e),
        .gid = (gid_t)archive_entry_gid(e),
        .xattrs = archive_entry_xattr_count(e) > 0 ? e : NULL,
    };
    entry_times(e, m.ts);
    return m;
}

static int set_xattr(int fd, int pfd, const char *base, const char *name, const void *value,
                     size_t size)
{
    if (fd >= 0)
        return fsetxattr(fd, name, value, size, 0);
    char proc[64 + 4096];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d/%s", pfd, base);
    return lsetxattr(proc, name, value, size, 0);
}

/* Ownership, mode bits and xattrs of an entry just made: on fd when there is
 * one, else on `base` in pfd without following it. `force_mode` when the
 * mode bits may differ from the creation mode for other reasons (an existing
 * directory, a setgid parent). */
static int set_metadata(struct owner_ctx oc, int fd, int pfd, const char *base,
                        const struct entry_meta *m, bool is_link, bool force_mode, keel_err *err)
{
    uid_t uid = m->uid;
    gid_t gid = m->gid;
    bool chowned = false;
    if (oc.owner && (uid != oc.uid || gid != oc.new_gid || force_mode)) {
        int rc = fd >= 0 ? fchown(fd, uid, gid)
                         : fchownat(pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW);
        if (rc < 0)
            return keel_syserror(err, "chown %u:%u", uid, gid);
        chowned = true;
    }

    mode_t perm = m->perm;
    if (!is_link && (force_mode || perm != (perm & 0777 & ~process_umask) ||
                     (chowned && (perm & 06000) != 0))) {
        int rc = fd >= 0 ? fchmod(fd, perm) : fchmodat(pfd, base, perm, 0);
        if (rc < 0)
            return keel_syserror(err, "chmod %04o", perm);
    }

    if (m->xattrs == NULL)
        return 0;
    const char *name;
    const void *value;
    size_t size;
    archive_entry_xattr_reset(m->xattrs);
    while (archive_entry_xattr_next(m->xattrs, &name, &value, &size) == ARCHIVE_OK) {
        /* overlayfs' own marks come from whiteouts only, never from a tar */
        if (strncmp(name, "trusted.overlay.", 16) == 0)
            continue;
        if (set_xattr(fd, pfd, base, name, value, size) < 0)
            return keel_syserror(err, "set xattr %s", name);
    }
    return 0;
}

static int set_times(int fd, int pfd, const char *base, const struct entry_meta *m,
                     keel_err *err)
{
    int rc = fd >= 0 ? futimens(fd, m->ts) : utimensat(pfd, base, m->ts, AT_SYMLINK_NOFOLLOW);
    if (rc < 0)
        return keel_syserror(err, "set times");
    return 0;
}

static int write_data(struct applier *ap, int fd, struct archive_entry *e, keel_err *err)
{
    const void *buf;
    size_t size;
    la_int64_t off;
    int64_t end = 0;
    int rc;
    while ((rc = archive_read_data_block(ap->tar, &buf, &size, &off)) == ARCHIVE_OK) {
        const char *p = buf;
        while (size > 0) {
            ssize_t n = pwrite(fd, p, size, off);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return keel_syserror(err, "write");
            }
            p += n;
            off += n;
            size -= (size_t)n;
        }
        if (off > end)
            end = off;
    }
    if (rc != ARCHIVE_EOF)
        return keel_error(err, 0, "read: %s", layer_reader_error(ap->reader));
    /* a sparse file's trailing hole */
    if (archive_entry_size_is_set(e) && archive_entry_size(e) > end &&
        ftruncate(fd, archive_entry_size(e)) < 0)
        return keel_syserror(err, "truncate");
    return 0;
}

/* Creates regular file `base` in pfd, replacing what is there; the removal
 * is counted so that the applier looks its cached directory up again. */
static int create_file_at(int pfd, const char *base, mode_t perm, atomic_uint *removals,
                          keel_err *err)
{
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(pfd, base, flags, perm);
    if (fd < 0 && errno == EEXIST) {
        if (remove_tree_at(pfd, base, err) < 0)
            return -1;
        atomic_fetch_add(removals, 1);
        fd = openat(pfd, base, flags, perm);
    }
    if (fd < 0)
        return keel_syserror(err, "create");
    return fd;
}

static int make_file(struct applier *ap, int pfd, const char *base, struct archive_entry *e,
                     keel_err *err)
{
    struct entry_meta m = entry_meta_of(e);
    cleanup_close int fd = create_file_at(pfd, base, m.perm & 0777, &ap->removals, err);
    if (fd < 0 || write_data(ap, fd, e, err) < 0 ||
        set_metadata(owner_of(ap), fd, pfd, base, &m, false, false, err) < 0)
        return -1;
    return set_times(fd, pfd, base, &m, err);
}

/* A piece of a file's data: in the layer reader's buffer (pinned), or, when
 * libarchive handed a copy of its own, in a copy owned here. */
struct file_piece {
    struct layer_pin *pin; /* NULL: data is owned */
    const char *data;
    size_t len;
    off_t off;
};

/* A regular file for the pool: everything it needs, owned. */
struct file_job {
    struct dir_ref *dir;
    int pfd;
    char *base;
    char *member; /* for errors */
    struct entry_meta meta; /* meta.xattrs: a clone, owned */
    struct file_piece *pieces;
    size_t npieces, cap;
    size_t len;
    struct owner_ctx oc;
    atomic_uint *removals;
};

static void file_job_free(void *arg)
{
    struct file_job *j = arg;
    dir_ref_put(j->dir);
    free(j->base);
    free(j->member);
    if (j->meta.xattrs != NULL)
        archive_entry_free(j->meta.xattrs);
    for (size_t i = 0; i < j->npieces; i++) {
        if (j->pieces[i].pin != NULL)
            layer_pin_put(j->pieces[i].pin);
        else
            free((char *)j->pieces[i].data);
    }
    free(j->pieces);
    free(j);
}

/* Writes the job's pieces; what they leave uncovered at the end (nothing,
 * for a tar that is not cut short) reads as zeros. */
static int file_job_write(struct file_job *j, int fd, keel_err *err)
{
    off_t end = 0;
    for (size_t i = 0; i < j->npieces; i++) {
        const struct file_piece *pc = &j->pieces[i];
        for (size_t done = 0; done < pc->len;) {
            ssize_t n = pwrite(fd, pc->data + done, pc->len - done, pc->off + (off_t)done);
            if (n < 0 && errno != EINTR)
                return keel_syserror(err, "write");
            if (n > 0)
                done += (size_t)n;
        }
        if (pc->off + (off_t)pc->len > end)
            end = pc->off + (off_t)pc->len;
    }
    if (end < (off_t)j->len && ftruncate(fd, (off_t)j->len) < 0)
        return keel_syserror(err, "truncate");
    return 0;
}

static int file_job_run(void *arg, keel_err *err)
{
    struct file_job *j = arg;
    cleanup_close int fd = create_file_at(j->pfd, j->base, j->meta.perm & 0777, j->removals,
                                          err);
    int rc = fd < 0 ? -1 : file_job_write(j, fd, err);
    if (rc == 0)
        rc = set_metadata(j->oc, fd, j->pfd, j->base, &j->meta, false, false, err);
    if (rc == 0)
        rc = set_times(fd, j->pfd, j->base, &j->meta, err);
    return rc == 0 ? 0 : keel_error_wrap(err, "entry %s", j->member);
}

/* Records a queued path and its directories: an entry that replaces one of
 * them (a symlink or file where the directory was) must wait for the pool,
 * or the removal races the pool's writes inside it. */
static int pending_add(struct applier *ap, const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    if (pathset_add(&ap->pending, dir) < 0)
        return -1;
    for (char *slash = strrchr(dir, '/'); slash != NULL; slash = strrchr(dir, '/')) {
        *slash = '\0';
        if (pathset_has(&ap->pending, dir))
            break; /* its own directories went in with it */
        if (pathset_add(&ap->pending, dir) < 0)
            return -1;
    }
    return 0;
}

/* Adds a block read_data_block gave to the job, pinned where it lies, else
 * copied; returns the bytes of reader buffers it newly holds (what the pool
 * charges for besides the file itself), or -1. */
static ssize_t add_piece(struct applier *ap, struct file_job *j, const void *buf, size_t size,
                         off_t off)
{
    if (j->npieces == j->cap) {
        size_t cap = j->cap != 0 ? j->cap * 2 : 4;
        struct file_piece *p = realloc(j->pieces, cap * sizeof *p);
        if (p == NULL)
            return -1;
        j->pieces = p;
        j->cap = cap;
    }
    struct file_piece *pc = &j->pieces[j->npieces];
    uint64_t seq;
    *pc = (struct file_piece){.len = size, .off = off};
    pc->pin = layer_reader_pin(ap->reader, buf, size, &seq);
    if (pc->pin != NULL) {
        pc->data = buf;
        j->npieces++;
        if (ap->pinned_any && seq == ap->pinned_seq)
            return 0;
        ap->pinned_any = true;
        ap->pinned_seq = seq;
        return LAYER_PIN_BYTES;
    }
    char *copy = malloc(size + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, buf, size);
    pc->data = copy;
    j->npieces++;
    return 0;
}

/* Reads a regular file's data and hands it to the pool: its blocks stay in
 * the layer reader's buffers (pinned) until the pool has written them. */
static int queue_file(struct applier *ap, int pfd, const char *base, const char *path,
                      const char *member, struct archive_entry *e, keel_err *err)
{
    struct file_job *j = calloc(1, sizeof *j);
    if (j == NULL)
        return keel_syserror(err, "queue");
    size_t len = (size_t)archive_entry_size(e);
    /* pfd is the cached parent (open_parent's) */
    j->dir = ap->parent_ref;
    atomic_fetch_add(&j->dir->refs, 1);
    j->pfd = pfd;
    j->base = strdup(base);
    j->member = strdup(member);
    j->meta = entry_meta_of(e);
    bool cloned = j->meta.xattrs == NULL || (j->meta.xattrs = archive_entry_clone(e)) != NULL;
    j->len = len;
    j->oc = owner_of(ap);
    j->removals = &ap->removals;
    if (j->base == NULL || j->member == NULL || !cloned) {
        file_job_free(j);
        return keel_syserror(err, "queue");
    }
    size_t charge = len + 4096;
    const void *buf;
    size_t size;
    la_int64_t off;
    int rc;
    while ((rc = archive_read_data_block(ap->tar, &buf, &size, &off)) == ARCHIVE_OK) {
        if (off < 0 || (size_t)off > len || size > len - (size_t)off) {
            file_job_free(j);
            return keel_error(err, EINVAL, "data beyond the entry's size");
        }
        if (size == 0)
            continue;
        ssize_t held = add_piece(ap, j, buf, size, off);
        if (held < 0) {
            file_job_free(j);
            return keel_syserror(err, "queue");
        }
        charge += (size_t)held;
    }
    if (rc != ARCHIVE_EOF) {
        file_job_free(j);
        return keel_error(err, 0, "read: %s", layer_reader_error(ap->reader));
    }
    if (pending_add(ap, path) < 0) {
        file_job_free(j);
        return keel_syserror(err, "queue");
    }
    return write_pool_submit(ap->pool, j, charge, err);
}

/* Waits for the pool before an entry that may depend on what it writes. */
static int drain_pool(struct applier *ap, keel_err *err)
{
    if (ap->pool == NULL || ap->pending.n == 0)
        return 0;
    pathset_clear(&ap->pending);
    return write_pool_drain(ap->pool, err);
}

static int make_dir(struct applier *ap, int pfd, const char *base, const char *path,
                    struct archive_entry *e, keel_err *err)
{
    bool existed = false;
    if (mkdirat(pfd, base, archive_entry_perm(e) & 0777) < 0) {
        struct stat st;
        if (errno != EEXIST || fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return keel_syserror(err, "mkdir");
        existed = S_ISDIR(st.st_mode);
        if (!existed && (remove_existing(ap, pfd, base, err) < 0 ||
                         mkdirat(pfd, base, archive_entry_perm(e) & 0777) < 0))
            return keel_syserror(err, "mkdir");
    }
    bool has_xattrs = archive_entry_xattr_count(e) > 0;
    cleanup_close int fd = -1;
    if (has_xattrs &&
        (fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return keel_syserror(err, "open");
    struct entry_meta m = entry_meta_of(e);
    if (set_metadata(owner_of(ap), fd, pfd, base, &m, false, existed || ap->parent_setgid, err) < 0)
        return -1;

    /* Directory times last: what is created in them changes their mtime. */
    if (ap->ndirs == ap->capdirs) {
        size_t cap = ap->capdirs != 0 ? ap->capdirs * 2 : 256;
        struct dir_time *dirs = realloc(ap->dirs, cap * sizeof *dirs);
        if (dirs == NULL)
            return keel_syserror(err, "record directory times");
        ap->dirs = dirs;
        ap->capdirs = cap;
    }
    struct dir_time *dt = &ap->dirs[ap->ndirs];
    if ((dt->path = strdup(path)) == NULL)
        return keel_syserror(err, "record directory times");
    memcpy(dt->ts, m.ts, sizeof m.ts);
    ap->ndirs++;
    return 0;
}

static int make_symlink(struct applier *ap, int pfd, const char *base, struct archive_entry *e,
                        keel_err *err)
{
    const char *target = archive_entry_symlink(e);
    if (target == NULL)
        return keel_error(err, EINVAL, "symlink without a target");
    if (symlinkat(target, pfd, base) < 0) {
        if (errno != EEXIST || remove_existing(ap, pfd, base, err) < 0 ||
            symlinkat(target, pfd, base) < 0)
            return keel_syserror(err, "symlink");
    }
    struct entry_meta m = entry_meta_of(e);
    if (set_metadata(owner_of(ap), -1, pfd, base, &m, true, false, err) < 0)
        return -1;
    return set_times(-1, pfd, base, &m, err);
}

static int make_node(struct applier *ap, int pfd, const char *base, struct archive_entry *e,
                     keel_err *err)
{
    mode_t mode = archive_entry_filetype(e) | (archive_entry_perm(e) & 0777);
    dev_t dev = archive_entry_rdev(e);
    if (mknodat(pfd, base, mode, dev) < 0) {
        if (errno != EEXIST || remove_existing(ap, pfd, base, err) < 0 ||
            mknodat(pfd, base, mode, dev) < 0)
            return keel_syserror(err, "mknod");
    }
    struct entry_meta m = entry_meta_of(e);
    if (set_metadata(owner_of(ap), -1, pfd, base, &m, false, false, err) < 0)
        return -1;
    return set_times(-1, pfd, base, &m, err);
}

static int make_hardlink(struct applier *ap, int pfd, const char *base, const char *path,
                         const char *linkname, keel_err *err)
{
    char target[4096];
    int cleaned = layer_path_clean(linkname, target, sizeof target);
    if (cleaned < 0 && errno == ENAMETOOLONG)
        return keel_error(err, ENAMETOOLONG, "hard link to %s: %zu bytes, at most %zu", linkname,
                          strlen(linkname), sizeof target - 1);
    if (cleaned < 0 || target[0] == '\0')
        return keel_error(err, EPERM, "hard link to %s points outside the target", linkname);
    if (strcmp(target, path) == 0)
        return 0;
    const char *tdir;
    const char *tbase = layer_path_split(target, &tdir);
    cleanup_close int tfd = root_open_dir(ap->rootfd, tdir, O_PATH, false, err);
    if (tfd < 0)
        return keel_error_wrap(err, "hard link to %s", linkname);
    if (linkat(tfd, tbase, pfd, base, 0) < 0) {
        if (errno != EEXIST || remove_existing(ap, pfd, base, err) < 0 ||
            linkat(tfd, tbase, pfd, base, 0) < 0)
            return keel_syserror(err, "hard link to %s", linkname);
    }
    return 0;
}

static int apply_root_entry(struct applier *ap, struct archive_entry *e, keel_err *err)
{
    if (archive_entry_filetype(e) != AE_IFDIR)
        return keel_error(err, EINVAL, "the target itself is not a directory in the layer");
    forget_parent(ap);
    struct entry_meta m = entry_meta_of(e);
    if (set_metadata(owner_of(ap), ap->rootfd, -1, NULL, &m, false, true, err) < 0)
        return -1;
    return futimens(ap->rootfd, m.ts) < 0 ? keel_syserror(err, "set times") : 0;
}

static int apply_whiteout(struct applier *ap, enum whiteout_kind kind, int pfd, const char *dir,
                          const char *victim, keel_err *err)
{
    if (kind == WHITEOUT_FILE) {
        if (ap->target == LAYER_OVERLAY)
            return whiteout_overlay_file(pfd, victim, err);
        ap->parent[0] = '\001';
        return whiteout_flat_file(pfd, dir, victim, written_by_layer, ap, err);
    }
    cleanup_close int dfd = root_open_dir(ap->rootfd, dir, O_RDONLY, false, err);
    if (dfd < 0)
        return -1;
    if (ap->target == LAYER_OVERLAY)
        return whiteout_overlay_opaque(dfd, dir, err);
    ap->parent[0] = '\001';
    return whiteout_flat_opaque(dfd, dir, written_by_layer, ap, err);
}

static int apply_entry(struct applier *ap, struct archive_entry *e, const char *name,
                       keel_err *err)
{
    char path[4096];
    if (layer_path_clean(name, path, sizeof path) < 0) {
        if (errno == ENAMETOOLONG)
            return keel_error(err, ENAMETOOLONG, "%zu bytes, at most %zu", strlen(name),
                              sizeof path - 1);
        return keel_error(err, EPERM, "path climbs out of the target");
    }
    if (path[0] == '\0')
        return apply_root_entry(ap, e, err);

    char buf[4096];
    memcpy(buf, path, strlen(path) + 1);
    const char *dir;
    const char *base = layer_path_split(buf, &dir);
    const char *victim = NULL;
    enum whiteout_kind kind = whiteout_classify(base, &victim);
    if (kind == WHITEOUT_META)
        return 0;
    if (kind == WHITEOUT_INVALID)
        return keel_error(err, EINVAL, "whiteout without a name");

    const char *linkname = archive_entry_hardlink(e);
    bool pooled = ap->pool != NULL && kind == WHITEOUT_NONE && linkname == NULL &&
                  archive_entry_filetype(e) == AE_IFREG && archive_entry_size_is_set(e) &&
                  archive_entry_size(e) >= 0 && archive_entry_size(e) <= POOL_FILE_MAX &&
                  archive_entry_sparse_count(e) == 0;
    /* What the pool has queued must be on disk before an entry that may
     * touch it: the same path again, a hard link, a whiteout. */
    if ((kind != WHITEOUT_NONE || linkname != NULL || pathset_has(&ap->pending, path)) &&
        drain_pool(ap, err) < 0)
        return -1;

    int pfd = open_parent(ap, dir, err);
    if (pfd < 0)
        return -1;
    if (kind != WHITEOUT_NONE)
        return apply_whiteout(ap, kind, pfd, dir, victim, err);

    if (ap->target == LAYER_FLAT && pathset_add(&ap->written, path) < 0)
        return keel_syserror(err, "record path");
    if (linkname != NULL)
        return make_hardlink(ap, pfd, base, path, linkname, err);
    if (pooled)
        return queue_file(ap, pfd, base, path, name, e, err);
    switch (archive_entry_filetype(e)) {
    case AE_IFREG:
        return make_file(ap, pfd, base, e, err);
    case AE_IFDIR:
        return make_dir(ap, pfd, base, path, e, err);
    case AE_IFLNK:
        return make_symlink(ap, pfd, base, e, err);
    case AE_IFCHR:
    case AE_IFBLK:
    case AE_IFIFO:
        return make_node(ap, pfd, base, e, err);
    default:
        return keel_error(err, EINVAL, "unsupported file type %o", archive_entry_filetype(e));
    }
}

static int apply_dir_times(struct applier *ap, keel_err *err)
{
    for (size_t i = ap->ndirs; i-- > 0;) {
        char *dir;
        const char *base = layer_path_split(ap->dirs[i].path, (const char **)&dir);
        keel_err ignored;
        int pfd = open_parent(ap, dir, &ignored);
        if (pfd < 0)
            continue; /* removed again by a later entry */
        if (utimensat(pfd, base, ap->dirs[i].ts, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
            return keel_syserror(err, "set times of %s/%s", dir, base);
    }
    return 0;
}

static void applier_free(struct applier *ap)
{
    write_pool_free(ap->pool);
    pathset_free(&ap->pending);
    forget_parent(ap);
    for (size_t i = 0; i < ap->ndirs; i++)
        free(ap->dirs[i].path);
    free(ap->dirs);
    pathset_free(&ap->written);
    layer_reader_close(ap->reader);
}

static int apply_entries(struct applier *ap, const char *name, keel_err *err)
{
    for (;;) {
        struct archive_entry *e;
        int rc = archive_read_next_header(ap->tar, &e);
        if (rc == ARCHIVE_EOF) {
            if (drain_pool(ap, err) < 0)
                return keel_error_wrap(err, "layer %s", name);
            return 0;
        }
        if (rc < ARCHIVE_WARN)
            return keel_error(err, 0, "layer %s: %s", name, layer_reader_error(ap->reader));
        const char *member = archive_entry_pathname(e);
        if (member == NULL)
            return keel_error(err, EINVAL, "layer %s: an entry without a name", name);
        keel_err pool_err;
        if (apply_entry(ap, e, member, err) < 0) {
            /* a failure the pool reported names its own entry */
            if (ap->pool != NULL && write_pool_drain(ap->pool, &pool_err) < 0 &&
                strcmp(pool_err.msg, err->msg) == 0)
                return keel_error_wrap(err, "layer %s", name);
            return keel_error_wrap(err, "layer %s: entry %s", name, member);
        }
    }
}

/* Applies the layer `reader` reads (owned: closed here). */
static int apply_reader(int rootfd, struct layer_reader *reader, const char *name,
                        enum layer_target target, const char *expected_diffid, char *diffid,
                        keel_err *err)
{
    pthread_once(&umask_once, read_umask);
    struct applier ap = {
        .rootfd = rootfd,
        .target = target,
        .owner = geteuid() == 0,
        .uid = geteuid(),
        .gid = getegid(),
        .parent_fd = -1,
    };
    ap.reader = reader;
    ap.pool = write_pool_new(POOL_THREADS, POOL_QUEUE_BYTES, file_job_run, file_job_free);
    ap.tar = layer_reader_archive(ap.reader);

    char got[72];
    int rc = apply_entries(&ap, name, err);
    if (rc == 0)
        rc = layer_reader_finish(ap.reader, got, err);
    if (rc == 0 && expected_diffid != NULL && strcmp(expected_diffid, got) != 0)
        rc = keel_error(err, 0, "layer %s: DiffID mismatch: expected %s, got %s", name,
                        expected_diffid, got);
    if (rc == 0)
        rc = apply_dir_times(&ap, err);
    if (rc == 0 && diffid != NULL)
        memcpy(diffid, got, sizeof got);
    applier_free(&ap);
    return rc;
}

int layer_apply(int rootfd, int layer_fd, const char *name, enum layer_target target,
                const char *expected_diffid, char *diffid, keel_err *err)
{
    struct layer_reader *reader = layer_reader_open(layer_fd, name, err);
    if (reader == NULL)
        return -1;
    return apply_reader(rootfd, reader, name, target, expected_diffid, diffid, err);
}

static const char *source_name(const struct layer_source *l)
{
    return l->diffid != NULL ? l->diffid : l->blob;
}

/* Starts decompressing the layers up to `last` that are not started yet:
 * layers after the one being applied inflate (and hash) ahead into memory,
 * on the CPU the applier leaves idle while it waits for the disk. */
static int open_readers(struct layer_reader **readers, const struct layer_source *layers,
                        size_t first, size_t last, keel_err *err)
{
    for (size_t i = first; i <= last; i++) {
        if (readers[i] != NULL)
            continue;
        int fd = open(layers[i].blob, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return keel_syserror(err, "open layer %s", layers[i].blob);
        readers[i] = layer_reader_open_ahead(fd, source_name(&layers[i]),
                                             i == first ? 0 : UNPACK_AHEAD_BYTES, err);
        if (readers[i] == NULL)
            return -1;
    }
    return 0;
}

int rootfs_unpack(const char *dir, const struct layer_source *layers, size_t n, keel_err *err)
{
    bool made;
    if (dir_create_empty(dir, &made, err) < 0)
        return keel_error_wrap(err, "unpack into %s", dir);
    cleanup_close int rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (rootfd < 0) {
        keel_syserror(err, "open %s", dir);
        if (made)
            rmdir(dir);
        return -1;
    }

    cleanup_free struct layer_reader **readers = calloc(n + 1, sizeof *readers);
    for (size_t i = 0; i < n; i++) {
        size_t last = n - i > UNPACK_AHEAD_LAYERS ? i + UNPACK_AHEAD_LAYERS : n - 1;
        if (readers == NULL) {
            keel_syserror(err, "start layer readers");
        } else if (open_readers(readers, layers, i, last, err) == 0) {
            struct layer_reader *r = steal_ptr(readers[i]);
            if (apply_reader(rootfd, r, source_name(&layers[i]), LAYER_FLAT, layers[i].diffid,
                             NULL, err) == 0)
                continue;
        }
        for (size_t j = i; readers != NULL && j < n; j++)
            layer_reader_close(readers[j]);
        keel_err ignored;
        if (made)
            remove_tree_at(AT_FDCWD, dir, &ignored);
        else
            remove_tree_contents(steal_fd(rootfd), dir, &ignored);
        return keel_error_wrap(err, "unpack into %s", dir);
    }
    return 0;
}
