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

/* Reads /proc/self/cgroup whole (a few hundred bytes). */
static char *read_self_cgroup(keel_err *err)
{
    cleanup_close int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        keel_syserror(err, "open /proc/self/cgroup");
        return NULL;
    }
    size_t cap = 4096, len = 0;
    cleanup_free char *buf = NULL;
    for (;;) {
        if (len + 1 >= cap || buf == NULL) {
            char *bigger = realloc(buf, buf == NULL ? cap : (cap *= 2));
            if (bigger == NULL) {
                keel_syserror(err, "read /proc/self/cgroup");
                return NULL;
            }
            buf = bigger;
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0) {
            keel_syserror(err, "read /proc/self/cgroup");
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return steal_ptr(buf);
}

/* Links each controller of a co-mounted hierarchy to it (cpu -> cpu,cpuacct), as runc does. */
static int link_comounted(int tmpfd, const char *name, const char *dst, keel_err *err)
{
    if (strchr(name, ',') == NULL)
        return 0;
    for (const char *t = name; *t != '\0';) {
        size_t len = strcspn(t, ",");
        char link[NAME_MAX + 1];
        snprintf(link, sizeof link, "%.*s", (int)len, t);
        t += len + (t[len] == ',');
        if (symlinkat(name, tmpfd, link) < 0 && errno != EEXIST)
            return keel_syserror(err, "symlink %s/%s", dst, link);
    }
    return 0;
}

/* One line of /proc/self/cgroup: "4:cpu,cpuacct:/path", "1:name=systemd:/", "0::/". */
struct cgroup_line {
    char ctrls[256]; /* "" for v2 */
    char path[PATH_MAX];
    bool v2;
};

static bool parse_cgroup_line(const char *line, size_t len, struct cgroup_line *c)
{
    const char *colon1 = memchr(line, ':', len);
    const char *colon2 = colon1 != NULL ? memchr(colon1 + 1, ':', len - (size_t)(colon1 + 1 - line)) : NULL;
    if (colon2 == NULL)
        return false;
    snprintf(c->ctrls, sizeof c->ctrls, "%.*s", (int)(colon2 - colon1 - 1), colon1 + 1);
    snprintf(c->path, sizeof c->path, "%.*s", (int)(line + len - colon2 - 1), colon2 + 1);
    c->v2 = colon1 - line == 1 && line[0] == '0' && c->ctrls[0] == '\0';
    return true;
}

/* The directory a hierarchy gets: its controllers, the name of a named one,
 * "unified" for v2 (the host's own layout). */
static const char *hierarchy_name(const struct cgroup_line *c)
{
    if (c->v2)
        return "unified";
    return strncmp(c->ctrls, "name=", 5) == 0 ? c->ctrls + 5 : c->ctrls;
}

/* The host path to bind for c: first the usual layout
 * (/sys/fs/cgroup/<name><path>) without reading mountinfo, which is slow to
 * generate; when that does not exist, the hierarchy's mount from mountinfo. */
static int hierarchy_source(const struct cgroup_line *c, struct hierarchy **hs, size_t *nhs,
                            bool *have_hs, bool guess, char *src, size_t size, keel_err *err)
{
    if (guess) {
        snprintf(src, size, CGROUP_ROOT "%s%s", hierarchy_name(c), c->path);
        return 0;
    }
    if (!*have_hs && read_hierarchies(hs, nhs, err) < 0)
        return -1;
    *have_hs = true;
    /* The last match: a later mount covers an earlier one at the same place. */
    for (size_t i = *nhs; i-- > 0;) {
        const struct hierarchy *h = &(*hs)[i];
        if (h->v2 != c->v2 || (!c->v2 && !lists_share(h->options, c->ctrls)))
            continue;
        const char *path = c->path;
        size_t rlen = strlen(h->root);
        if (strcmp(h->root, "/") != 0 && strncmp(path, h->root, rlen) == 0)
            path += rlen;
        snprintf(src, size, "%s%s", h->mountpoint, path);
        return 0;
    }
    return keel_error(err, ENOENT, "no mount of cgroup hierarchy %s", c->v2 ? "v2" : c->ctrls);
}

int mount_cgroup(const struct mount_ctx *ctx, const char *dst, const struct mount_opts *o,
                 keel_err *err)
{
    struct statfs sfs;
    if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
        return mount_fs(ctx, "cgroup2", "cgroup", dst, o, err);

    struct mount_opts tmpfs_opts = { .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                     .data = (char *)"mode=755" };
    if (mount_fs(ctx, "tmpfs", "cgroup", dst, &tmpfs_opts, err) < 0)
        return -1;
    cleanup_close int tmpfd = path_open_in_root(ctx->rootfd, dst, 0, err);
    cleanup_free char *self_cgroup = tmpfd >= 0 ? read_self_cgroup(err) : NULL;
    if (self_cgroup == NULL)
        return -1;
    cleanup_free struct hierarchy *hs = NULL;
    size_t nhs = 0;
    bool have_hs = false;
    for (const char *line = self_cgroup; *line != '\0';) {
        size_t len = strcspn(line, "\n");
        struct cgroup_line c;
        bool ok = parse_cgroup_line(line, len, &c);
        line += len + (line[len] == '\n');
        if (!ok)
            continue;
        const char *name = hierarchy_name(&c);
        if (mkdirat(tmpfd, name, 0755) < 0 && errno != EEXIST)
            return keel_syserror(err, "mkdir %s/%s", dst, name);
        if (link_comounted(tmpfd, name, dst, err) < 0)
            return -1;
        char target[FD_PATH_SIZE + NAME_MAX + 2];
        snprintf(target, sizeof target, "/proc/self/fd/%d/%s", tmpfd, name);
        if (ctx->cgroupns) {
            /* A fresh mount in a cgroup namespace shows the namespace's root. */
            const char *fstype = c.v2 ? "cgroup2" : "cgroup";
            if (mount("cgroup", target, fstype, o->flags & ~(unsigned long)(MS_BIND | MS_REC),
                      c.v2 ? NULL : c.ctrls) < 0)
                return keel_syserror(err, "mount %s on %s/%s", fstype, dst, name);
            continue;
        }
        char src[PATH_MAX * 2];
        for (int guess = 1; guess >= 0; guess--) {
            if (hierarchy_source(&c, &hs, &nhs, &have_hs, guess, src, sizeof src, err) < 0)
                return -1;
            if (mount(src, target, NULL, MS_BIND, NULL) == 0)
                break;
            if (!guess || (errno != ENOENT && errno != ENOTDIR))
                return keel_syserror(err, "mount bind %s on %s/%s", src, dst, name);
        }
    }
    /* The options (ro, nosuid, ...) go on the tmpfs and every hierarchy in one call. */
    uint64_t set, clr;
    mount_opts_attr(o, &set, &clr);
    if ((set | clr) != 0 && mount_setattr_fd(tmpfd, AT_RECURSIVE, set, clr, 0) < 0)
        return keel_syserror(err, "mount_setattr %s", dst);
    return mount_apply_tree_opts(tmpfd, o, "cgroup", dst, err);
}
