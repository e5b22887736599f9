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

int mount_bind_source(const char *bundle, const char *src, char *buf, size_t size, keel_err *err)
{
    if (src == NULL)
        return keel_error(err, EINVAL, "bind mount without a source");
    int n = src[0] == '/' || bundle == NULL ? snprintf(buf, size, "%s", src)
                                            : snprintf(buf, size, "%s/%s", bundle, src);
    if (n < 0 || (size_t)n >= size)
        return keel_error(err, ENAMETOOLONG, "bind source %s", src);
    return 0;
}

/* Gives a detached tree its per-mount and recursive attributes, then the
 * idmapping of userns (when >= 0; recursive with ridmap). Returns the tree,
 * or -1 with the tree closed. */
static int detached_set_attrs(int tree, const struct mount_opts *o, int userns, const char *what,
                              keel_err *err)
{
    uint64_t set, clr;
    mount_opts_attr(o, &set, &clr);
    int r = 0;
    if ((set | clr) != 0 && mount_setattr_fd(tree, 0, set, clr, 0) < 0)
        r = keel_syserror(err, "mount_setattr %s", what);
    else if ((o->rec_set | o->rec_clr) != 0 &&
             mount_setattr_fd(tree, AT_RECURSIVE, o->rec_set, o->rec_clr, 0) < 0)
        r = keel_syserror(err, "mount_setattr %s", what);
    if (r == 0 && userns >= 0) {
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
        if (mount_setattr(tree, "", AT_EMPTY_PATH | (o->ridmap ? AT_RECURSIVE : 0), &attr,
                          sizeof attr) < 0)
            r = keel_syserror(err, "mount_setattr idmap %s", what);
    }
    if (r < 0) {
        close(tree);
        return -1;
    }
    return tree;
}

int mount_detached_bind(const char *src, const char *dst, const struct mount_opts *o, int userns,
                        keel_err *err)
{
    int tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                            ((o->flags & MS_REC) ? AT_RECURSIVE : 0));
    if (tree < 0)
        return keel_syserror(err, "open_tree %s", src);
    char what[PATH_MAX + 64];
    snprintf(what, sizeof what, "bind %s on %s", src, dst);
    return detached_set_attrs(tree, o, userns, what, err);
}

/* The superblock flags among o's MS_* that fsconfig(2) takes by name (the
 * per-mount ones, ro included, go on the mount with mount_setattr). */
static const struct { unsigned long ms; const char *name; } sb_flags[] = {
    { MS_SYNCHRONOUS, "sync" }, { MS_DIRSYNC, "dirsync" }, { MS_LAZYTIME, "lazytime" },
    { MS_MANDLOCK, "mand" },
};

/* Each filesystem option of o->data as fsconfig(2) takes it: key=value or a flag. */
static int fs_configure(int fsfd, const char *type, const char *src, const struct mount_opts *o,
                        keel_err *err)
{
    if (src != NULL && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", src, 0) < 0)
        return keel_syserror(err, "fsconfig %s source=%s", type, src);
    for (size_t i = 0; i < sizeof sb_flags / sizeof sb_flags[0]; i++)
        if ((o->flags & sb_flags[i].ms) &&
            fsconfig(fsfd, FSCONFIG_SET_FLAG, sb_flags[i].name, NULL, 0) < 0)
            return keel_syserror(err, "fsconfig %s option %s", type, sb_flags[i].name);
    cleanup_free char *data = o->data != NULL ? strdup(o->data) : NULL;
    if (o->data != NULL && data == NULL)
        return keel_error(err, ENOMEM, "mount options");
    char *save = NULL;
    for (char *opt = data != NULL ? strtok_r(data, ",", &save) : NULL; opt != NULL;
         opt = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(opt, '=');
        if (eq != NULL)
            *eq = '\0';
        int r = eq != NULL ? fsconfig(fsfd, FSCONFIG_SET_STRING, opt, eq + 1, 0)
                           : fsconfig(fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
        if (r < 0)
            return keel_syserror(err, "fsconfig %s option %s", type, opt);
    }
    if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return keel_syserror(err, "fsconfig %s create", type);
    return 0;
}

int mount_detached_fs(const char *type, const char *src, const char *dst,
                      const struct mount_opts *o, int userns, keel_err *err)
{
    cleanup_close int fsfd = fsopen(type, FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return keel_syserror(err, "fsopen %s", type);
    if (fs_configure(fsfd, type, src, o, err) < 0)
        return -1;
    int tree = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
    if (tree < 0)
        return keel_syserror(err, "fsmount %s", type);
    char what[PATH_MAX + 64];
    snprintf(what, sizeof what, "%s on %s", type, dst);
    return detached_set_attrs(tree, o, userns, what, err);
}

/* The destination, made a directory or an empty file as what goes on it is. */
static int open_destination(const struct mount_ctx *ctx, const char *dst, const struct stat *st,
                            keel_err *err)
{
    return path_open_in_root(ctx->rootfd, dst,
                             S_ISDIR(st->st_mode) ? PATH_CREATE_DIR : PATH_CREATE_FILE, err);
}

/* A detached tree (made here, or by keel for an idmapped mount) attached at
 * dst, which is made a directory or a file as the tree's root is; then its
 * propagation. */
static int mount_attach(const struct mount_ctx *ctx, int tree, const char *dst,
                        const struct mount_opts *o, keel_err *err)
{
    struct stat st;
    if (fstat(tree, &st) < 0)
        return keel_syserror(err, "stat the mount for %s", dst);
    cleanup_close int dfd = open_destination(ctx, dst, &st, err);
    if (dfd < 0)
        return -1;
    if (move_mount(tree, "", dfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return keel_syserror(err, "move_mount on %s", dst);
    struct mount_opts prop_only = *o;
    prop_only.rec_set = prop_only.rec_clr = 0;
    return mount_apply_tree_opts(tree, &prop_only, "mount", dst, err);
}

/* A bind mount. Without per-mount attributes it is one mount(2) call; with them
 * the tree is cloned with open_tree, given its attributes while detached (so
 * it is never visible writable) and attached with move_mount. */
static int mount_bind(const struct mount_ctx *ctx, const char *src, const char *dst,
                      const struct mount_opts *o, keel_err *err)
{
    uint64_t set, clr;
    mount_opts_attr(o, &set, &clr);
    if ((set | clr | o->rec_set | o->rec_clr) == 0 && o->npropagation == 0) {
        struct stat st;
        if (stat(src, &st) < 0)
            return keel_syserror(err, "stat bind source %s", src);
        cleanup_close int dfd = open_destination(ctx, dst, &st, err);
        if (dfd < 0)
            return -1;
        char dpath[FD_PATH_SIZE];
        if (mount(src, fd_path(dpath, dfd), NULL, MS_BIND | (o->flags & MS_REC), NULL) < 0)
            return keel_syserror(err, "mount bind %s on %s", src, dst);
        return 0;
    }
    cleanup_close int tree = mount_detached_bind(src, dst, o, -1, err);
    if (tree < 0)
        return -1;
    return mount_attach(ctx, tree, dst, o, err);
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
    if (ctx->detached >= 0) {
        r = mount_attach(ctx, ctx->detached, m->destination, &o, err);
    } else if (mount_is_bind(m)) {
        char src[PATH_MAX];
        o.flags &= ~(unsigned long)MS_BIND;
        r = mount_bind_source(ctx->bundle, m->source, src, sizeof src, err);
        if (r == 0)
            r = mount_bind(ctx, src, m->destination, &o, err);
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
