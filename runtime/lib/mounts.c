/* mounts[] entries: each destination is opened once inside the rootfs and
 * mounted through its fd, so no symlink swapped in afterwards can redirect it. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "mount_options.h"
#include "path_resolve.h"

const char *fd_path(char buf[FD_PATH_SIZE], int fd)
{
    snprintf(buf, FD_PATH_SIZE, "/proc/self/fd/%d", fd);
    return buf;
}

bool path_same(const char *a, const char *b)
{
    for (;;) {
        while (*a == '/' && (a[1] == '/' || a[1] == '\0'))
            a++;
        while (*b == '/' && (b[1] == '/' || b[1] == '\0'))
            b++;
        if (*a != *b)
            return false;
        if (*a == '\0')
            return true;
        a++;
        b++;
    }
}

bool mount_is_bind(const struct oci_mount *m)
{
    if (m->type != NULL && strcmp(m->type, "bind") == 0)
        return true;
    for (size_t i = 0; i < m->options_len; i++)
        if (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0)
            return true;
    return false;
}

int mount_setattr_fd(int fd, unsigned flags, uint64_t set, uint64_t clr, uint64_t propagation)
{
    struct mount_attr attr = { .attr_set = set, .attr_clr = clr, .propagation = propagation };
    return mount_setattr(fd, "", AT_EMPTY_PATH | flags, &attr, sizeof attr);
}

/* Applies the recursive attributes and propagation changes to the mount fd's tree. */
int mount_apply_tree_opts(int fd, const struct mount_opts *o, const char *what, const char *dst,
                          keel_err *err)
{
    if ((o->rec_set | o->rec_clr) != 0 &&
        mount_setattr_fd(fd, AT_RECURSIVE, o->rec_set, o->rec_clr, 0) < 0)
        return keel_syserror(err, "mount_setattr %s on %s", what, dst);
    for (size_t i = 0; i < o->npropagation; i++) {
        unsigned long p = o->propagation[i];
        if (mount_setattr_fd(fd, (p & MS_REC) ? AT_RECURSIVE : 0, 0, 0, p & ~(unsigned long)MS_REC) < 0)
            return keel_syserror(err, "set propagation of %s on %s", what, dst);
    }
    return 0;
}

/* A bind source as the host sees it: absolute, or relative to the bundle. */
static int bind_source(const struct mount_ctx *ctx, const char *src, char *buf, size_t size,
                       keel_err *err)
{
    if (src == NULL)
        return keel_error(err, EINVAL, "bind mount without a source");
    int n = src[0] == '/' || ctx->bundle == NULL ? snprintf(buf, size, "%s", src)
                                                 : snprintf(buf, size, "%s/%s", ctx->bundle, src);
    if (n < 0 || (size_t)n >= size)
        return keel_error(err, ENAMETOOLONG, "bind source %s", src);
    return 0;
}

/* A bind mount. Without per-mount attributes it is one mount(2) call; with them
 * the tree is cloned with open_tree, given its attributes while detached (so
 * it is never visible writable) and attached with move_mount. */
static int mount_bind(const struct mount_ctx *ctx, const char *src, const char *dst,
                      const struct mount_opts *o, int userns, keel_err *err)
{
    struct stat st;
    if (stat(src, &st) < 0)
        return keel_syserror(err, "stat bind source %s", src);
    cleanup_close int dfd = path_open_in_root(ctx->rootfd, dst,
                                              S_ISDIR(st.st_mode) ? PATH_CREATE_DIR
                                                                  : PATH_CREATE_FILE, err);
    if (dfd < 0)
        return -1;
    bool rec = o->flags & MS_REC;
    uint64_t set, clr;
    mount_opts_attr(o, &set, &clr);
    char dpath[FD_PATH_SIZE];
    if ((set | clr | o->rec_set | o->rec_clr) == 0 && o->npropagation == 0 && userns < 0) {
        if (mount(src, fd_path(dpath, dfd), NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
            return keel_syserror(err, "mount bind %s on %s", src, dst);
        return 0;
    }
    cleanup_close int tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                          (rec ? AT_RECURSIVE : 0));
    if (tree < 0)
        return keel_syserror(err, "open_tree %s", src);
    if ((set | clr) != 0 && mount_setattr_fd(tree, 0, set, clr, 0) < 0)
        return keel_syserror(err, "mount_setattr bind %s on %s", src, dst);
    if ((o->rec_set | o->rec_clr) != 0 && mount_setattr_fd(tree, AT_RECURSIVE, o->rec_set, o->rec_clr, 0) < 0)
        return keel_syserror(err, "mount_setattr bind %s on %s", src, dst);
    if (userns >= 0) {
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
        if (mount_setattr(tree, "", AT_EMPTY_PATH | (o->ridmap ? AT_RECURSIVE : 0), &attr,
                          sizeof attr) < 0)
            return keel_syserror(err, "mount_setattr idmap bind %s on %s", src, dst);
    }
    if (move_mount(tree, "", dfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return keel_syserror(err, "move_mount bind %s on %s", src, dst);
    struct mount_opts prop_only = *o;
    prop_only.rec_set = prop_only.rec_clr = 0;
    return mount_apply_tree_opts(tree, &prop_only, "bind", dst, err);
}

/* sysfs for a user namespace that may not mount it (it has no network
 * namespace of its own): the host's /sys bound recursively, as runc does. */
static int bind_host_sys(const struct mount_ctx *ctx, const char *dpath, const char *dst,
                         const struct mount_opts *o, keel_err *err)
{
    if (mount("/sys", dpath, NULL, MS_BIND | MS_REC, NULL) < 0)
        return keel_syserror(err, "mount bind /sys on %s", dst);
    uint64_t set, clr;
    mount_opts_attr(o, &set, &clr);
    if ((set | clr) == 0)
        return 0;
    cleanup_close int nfd = path_open_in_root(ctx->rootfd, dst, 0, err);
    if (nfd < 0)
        return -1;
    if (mount_setattr_fd(nfd, AT_RECURSIVE, set, clr, 0) < 0)
        return keel_syserror(err, "mount_setattr sysfs on %s", dst);
    return 0;
}

/* A filesystem mount through the destination's fd; recursive attributes and
 * propagation go on the new mount, reached by opening the destination again. */
int mount_fs(const struct mount_ctx *ctx, const char *type, const char *src, const char *dst,
             const struct mount_opts *o, keel_err *err)
{
    cleanup_close int dfd = path_open_in_root(ctx->rootfd, dst, PATH_CREATE_DIR, err);
    if (dfd < 0)
        return -1;
    char dpath[FD_PATH_SIZE];
    fd_path(dpath, dfd);
    bool sysfs = strcmp(type, "sysfs") == 0;
    if (sysfs && ctx->in_userns && !ctx->netns)
        return bind_host_sys(ctx, dpath, dst, o, err);
    /* a read-only tmpcopyup tmpfs becomes read-only once filled */
    unsigned long flags = o->tmpcopyup ? o->flags & ~(unsigned long)MS_RDONLY : o->flags;
    if (mount(src != NULL ? src : type, dpath, type, flags, o->data) < 0) {
        if (sysfs && ctx->in_userns && errno == EPERM) /* a joined netns of another owner */
            return bind_host_sys(ctx, dpath, dst, o, err);
        return keel_syserror(err, "mount %s on %s", type, dst);
    }
    if ((o->rec_set | o->rec_clr) == 0 && o->npropagation == 0 && !o->tmpcopyup)
        return 0;
    cleanup_close int nfd = path_open_in_root(ctx->rootfd, dst, 0, err);
    if (nfd < 0)
        return -1;
    /* dfd still names the directory under the new mount */
    if (o->tmpcopyup && mount_copyup(dfd, nfd, dst, err) < 0)
        return -1;
    if (flags != o->flags && mount_setattr_fd(nfd, 0, MOUNT_ATTR_RDONLY, 0, 0) < 0)
        return keel_syserror(err, "mount_setattr ro on %s", dst);
    return mount_apply_tree_opts(nfd, o, type, dst, err);
}

/* linux.mountLabel goes on the filesystems runc labels: not proc, sysfs,
 * mqueue or cgroup (which take no context= or keep their own). */
static int add_mount_label(const char *label, const char *type, struct mount_opts *o,
                           keel_err *err)
{
    static const char *const unlabelled[] = { "proc", "sysfs", "mqueue", "cgroup", "cgroup2" };
    if (label == NULL)
        return 0;
    for (size_t i = 0; i < sizeof unlabelled / sizeof unlabelled[0]; i++)
        if (strcmp(type, unlabelled[i]) == 0)
            return 0;
    char opt[1024];
    int n = snprintf(opt, sizeof opt, "context=\"%s\"", label);
    if (n < 0 || (size_t)n >= sizeof opt)
        return keel_error(err, ENAMETOOLONG, "linux.mountLabel %s", label);
    return mount_opts_add_data(o, opt, err);
}

int mount_entry(const struct mount_ctx *ctx, const struct oci_mount *m, keel_err *err)
{
    struct mount_opts o;
    if (mount_opts_parse(m->options, m->options_len, &o, err) < 0)
        return -1;
    int r;
    if ((o.idmap || o.ridmap) && !mount_is_bind(m)) {
        r = keel_error(err, EOPNOTSUPP, "mount %s on %s: idmap is supported on bind mounts only",
                       m->type, m->destination);
    } else if (mount_is_bind(m)) {
        char src[PATH_MAX];
        cleanup_close int userns = -1;
        o.flags &= ~(unsigned long)MS_BIND;
        r = bind_source(ctx, m->source, src, sizeof src, err);
        if (r == 0 && (o.idmap || o.ridmap) &&
            (userns = mount_idmap_userns(m, ctx->in_userns, err)) < 0)
            r = keel_error_wrap(err, "mount bind %s on %s", src, m->destination);
        if (r == 0)
            r = mount_bind(ctx, src, m->destination, &o, userns, err);
    } else if (o.tmpcopyup && (m->type == NULL || strcmp(m->type, "tmpfs") != 0)) {
        r = keel_error(err, EINVAL, "mount on %s: tmpcopyup needs a tmpfs", m->destination);
    } else if (m->type == NULL) {
        r = keel_error(err, EINVAL, "mount on %s: no type and not a bind mount", m->destination);
    } else if (strcmp(m->type, "cgroup") == 0) {
        r = mount_cgroup(ctx, m->destination, &o, err);
    } else {
        r = add_mount_label(ctx->mount_label, m->type, &o, err);
        if (r == 0)
            r = mount_fs(ctx, m->type, m->source, m->destination, &o, err);
    }
    mount_opts_release(&o);
    return r;
}
