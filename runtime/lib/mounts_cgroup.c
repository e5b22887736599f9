/* The "cgroup" mount type mapped to what the host has, as runc does: cgroup2
 * on a pure v2 host, otherwise a tmpfs with one directory per hierarchy. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "mount_options.h"
#include "mounts.h"
#include "path_resolve.h"

#define CGROUP_ROOT "/sys/fs/cgroup/"

/* One hierarchy mounted on the host under /sys/fs/cgroup. */
struct hierarchy {
    char mountpoint[PATH_MAX];
    char root[PATH_MAX];    /* the mount's root inside the hierarchy */
    char options[512];      /* its super options ("rw,cpu", "rw,name=systemd") */
    bool v2;
};

/* Whether the comma list `list` holds any token of the comma list `tokens`. */
static bool lists_share(const char *list, const char *tokens)
{
    size_t n = strlen(list);
    for (const char *t = tokens; *t != '\0';) {
        size_t len = strcspn(t, ",");
        for (const char *l = list; l < list + n;) {
            size_t llen = strcspn(l, ",");
            if (llen == len && len > 0 && strncmp(l, t, len) == 0)
                return true;
            l += llen + (l[llen] == ',');
        }
        t += len + (t[len] == ',');
    }
    return false;
}

/* Reads the cgroup and cgroup2 mounts under /sys/fs/cgroup from mountinfo. */
static int read_hierarchies(struct hierarchy **out, size_t *n, keel_err *err)
{
    cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
    if (f == NULL)
        return keel_syserror(err, "open /proc/self/mountinfo");
    cleanup_free char *line = NULL;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while (getline(&line, &cap, f) > 0) {
        char root[PATH_MAX], mnt[PATH_MAX], fstype[64], opts[512];
        const char *sep = strstr(line, " - ");
        if (sep == NULL || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
            sscanf(sep + 3, "%63s %*s %511s", fstype, opts) != 2)
            continue;
        bool v2 = strcmp(fstype, "cgroup2") == 0;
        if ((!v2 && strcmp(fstype, "cgroup") != 0) ||
            strncmp(mnt, CGROUP_ROOT, strlen(CGROUP_ROOT)) != 0 ||
            strchr(mnt + strlen(CGROUP_ROOT), '/') != NULL)
            continue;
        struct hierarchy *h = realloc(*out, (*n + 1) * sizeof **out);
        if (h == NULL) {
            free(*out);
            return keel_syserror(err, "read /proc/self/mountinfo");
        }
        *out = h;
        h += (*n)++;
        snprintf(h->mountpoint, sizeof h->mountpoint, "%s", mnt);
        snprintf(h->root, sizeof h->root, "%s", root);
        snprintf(h->options, sizeof h->options, "%s", opts);
        h->v2 = v2;
    }
    return 0;
}

/* The host path of this process's cgroup in h (from /proc/self/cgroup). */
static int own_cgroup_path(const struct hierarchy *h, char *buf, size_t size, keel_err *err)
{
    cleanup_fclose FILE *f = fopen("/proc/self/cgroup", "re");
    if (f == NULL)
        return keel_syserror(err, "open /proc/self/cgroup");
    cleanup_free char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        char *ctrls = strchr(line, ':'), *path = ctrls != NULL ? strchr(ctrls + 1, ':') : NULL;
        if (path == NULL)
            continue;
        *ctrls++ = '\0';
        *path++ = '\0';
        bool match = h->v2 ? strcmp(line, "0") == 0 : *ctrls != '\0' && lists_share(h->options, ctrls);
        if (!match)
            continue;
        size_t rlen = strlen(h->root);
        if (strcmp(h->root, "/") != 0 && strncmp(path, h->root, rlen) == 0)
            path += rlen;
        snprintf(buf, size, "%s%s", h->mountpoint, path);
        return 0;
    }
    snprintf(buf, size, "%s", h->mountpoint);
    return 0;
}

/* The v1 super options a fresh mount of the same hierarchy needs ("cpu",
 * "name=systemd"): all but rw/ro and release_agent. */
static void v1_mount_data(const char *options, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const char *t = options; *t != '\0';) {
        size_t len = strcspn(t, ",");
        bool skip = (len == 2 && (strncmp(t, "rw", 2) == 0 || strncmp(t, "ro", 2) == 0)) ||
                    strncmp(t, "release_agent=", 14) == 0;
        if (!skip && used + len + 2 < size) {
            if (used > 0)
                buf[used++] = ',';
            memcpy(buf + used, t, len);
            used += len;
            buf[used] = '\0';
        }
        t += len + (t[len] == ',');
    }
}

static int mount_hierarchy(const struct mount_ctx *ctx, int tmpfd, const struct hierarchy *h,
                           const char *dst, const struct mount_opts *o, keel_err *err)
{
    const char *name = strrchr(h->mountpoint, '/') + 1;
    if (mkdirat(tmpfd, name, 0755) < 0 && errno != EEXIST)
        return keel_syserror(err, "mkdir %s/%s", dst, name);
    if (ctx->cgroupns) {
        char target[FD_PATH_SIZE + NAME_MAX + 2], data[512];
        snprintf(target, sizeof target, "/proc/self/fd/%d/%s", tmpfd, name);
        v1_mount_data(h->options, data, sizeof data);
        unsigned long flags = o->flags & ~(unsigned long)(MS_BIND | MS_REC);
        if (mount("cgroup", target, h->v2 ? "cgroup2" : "cgroup", flags, h->v2 ? NULL : data) < 0)
            return keel_syserror(err, "mount %s on %s/%s", h->v2 ? "cgroup2" : "cgroup", dst, name);
        return 0;
    }
    char src[PATH_MAX];
    if (own_cgroup_path(h, src, sizeof src, err) < 0)
        return -1;
    cleanup_close int tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (tree < 0)
        return keel_syserror(err, "open_tree %s", src);
    uint64_t set, clr;
    mount_opts_attr(o, &set, &clr);
    if ((set | clr) != 0 && mount_setattr_fd(tree, 0, set, clr, 0) < 0)
        return keel_syserror(err, "mount_setattr %s on %s/%s", src, dst, name);
    if (move_mount(tree, "", tmpfd, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return keel_syserror(err, "move_mount %s on %s/%s", src, dst, name);
    return 0;
}

int mount_cgroup(const struct mount_ctx *ctx, const char *dst, const struct mount_opts *o,
                 keel_err *err)
{
    struct statfs sfs;
    if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
        return mount_fs(ctx, "cgroup2", "cgroup", dst, o, err);

    struct mount_opts tmpfs_opts = { .flags = (o->flags & ~(unsigned long)MS_RDONLY) |
                                              MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                     .data = (char *)"mode=755" };
    if (mount_fs(ctx, "tmpfs", "cgroup", dst, &tmpfs_opts, err) < 0)
        return -1;
    cleanup_close int tmpfd = path_open_in_root(ctx->rootfd, dst, 0, err);
    if (tmpfd < 0)
        return -1;
    cleanup_free struct hierarchy *hs = NULL;
    size_t n;
    if (read_hierarchies(&hs, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (mount_hierarchy(ctx, tmpfd, &hs[i], dst, o, err) < 0)
            return -1;
    if ((o->flags & MS_RDONLY) && mount_setattr_fd(tmpfd, 0, MOUNT_ATTR_RDONLY, 0, 0) < 0)
        return keel_syserror(err, "mount_setattr ro on %s", dst);
    return 0;
}
