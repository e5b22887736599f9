/* The order of the container's filesystem setup (config.md "Root", "Mounts";
 * config-linux.md "Devices", "Rootfs Mount Propagation", "Masked Paths", ...). */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "devices.h"
#include "keel/cleanup.h"
#include "lsm.h"
#include "masked.h"
#include "mount_options.h"
#include "mounts.h"
#include "sysctl.h"

static int rootfs_path(const struct oci_config *cfg, const struct rootfs_opts *o, char *buf,
                       size_t size, keel_err *err)
{
    if (cfg->root == NULL || cfg->root->path == NULL)
        return keel_error(err, EINVAL, "root.path is required");
    const char *p = cfg->root->path;
    int n = p[0] == '/' || o->bundle == NULL ? snprintf(buf, size, "%s", p)
                                             : snprintf(buf, size, "%s/%s", o->bundle, p);
    if (n < 0 || (size_t)n >= size)
        return keel_error(err, ENAMETOOLONG, "root.path %s", p);
    return 0;
}

/* rootfsPropagation as a flag (0 when unset); an unknown value is an error. */
static int root_propagation(const struct oci_config *cfg, unsigned long *flag, keel_err *err)
{
    const char *name = cfg->linux != NULL ? cfg->linux->rootfsPropagation : NULL;
    *flag = 0;
    if (name == NULL || name[0] == '\0')
        return 0;
    *flag = mount_propagation_flag(name);
    if (*flag == 0)
        return keel_error(err, EINVAL, "linux.rootfsPropagation: unknown value %s", name);
    return 0;
}

static bool has_namespace(const struct oci_config *cfg, const char *type)
{
    for (size_t i = 0; cfg->linux != NULL && i < cfg->linux->namespaces_len; i++)
        if (cfg->linux->namespaces[i].type != NULL &&
            strcmp(cfg->linux->namespaces[i].type, type) == 0)
            return true;
    return false;
}

static int prepare_mounts(const struct oci_config *cfg, const struct rootfs_opts *o, int rootfd,
                          keel_err *err)
{
    struct mount_ctx ctx = {
        .rootfd = rootfd,
        .bundle = o->bundle,
        .in_userns = o->in_userns,
        .netns = has_namespace(cfg, "network"),
        .cgroupns = has_namespace(cfg, "cgroup"),
    };
    /* mountLabel means nothing without SELinux */
    if (cfg->linux != NULL && cfg->linux->mountLabel != NULL && lsm_selinux_enabled())
        ctx.mount_label = cfg->linux->mountLabel;
    bool dev_bound = false;
    size_t idmapped = 0;
    for (size_t i = 0; i < cfg->mounts_len; i++) {
        const struct oci_mount *m = &cfg->mounts[i];
        if (m->destination == NULL)
            return keel_error(err, EINVAL, "mounts[%zu].destination is required", i);
        ctx.detached = -1;
        if (mount_wants_idmap(m)) {
            if (o->idmapped == NULL)
                return keel_error(err, EINVAL, "mounts[%zu]: idmapped mount not prepared", i);
            ctx.detached = o->idmapped[idmapped++];
        }
        if (mount_entry(&ctx, m, err) < 0)
            return keel_error_wrap(err, "mounts[%zu]", i);
        if (path_same(m->destination, "/dev"))
            dev_bound = mount_is_bind(m);
    }
    return devices_setup(rootfd, cfg->linux, !dev_bound, o->in_userns, o->console_path, err);
}

int rootfs_prepare(const struct oci_config *cfg, const struct rootfs_opts *o, keel_err *err)
{
    char rootfs[PATH_MAX];
    unsigned long prop;
    if (rootfs_path(cfg, o, rootfs, sizeof rootfs, err) < 0 || root_propagation(cfg, &prop, err) < 0)
        return -1;
    /* Nothing mounted from here on may reach the host. A shared root would,
     * pivot_root refuses it, and an unbindable one could not give the rootfs
     * bind: those two are set only in rootfs_finish. In the runtime's own mount
     * namespace / is the host's: left alone, and the rootfs bound by keel already. */
    const char *first = prop != 0 && (prop & MS_PRIVATE) ? "rprivate" : "rslave";
    if (!o->shared_mntns && mount(NULL, "/", NULL, mount_propagation_flag(first), NULL) < 0)
        return keel_syserror(err, "make / %s", first);
    if (!o->shared_mntns && mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return keel_syserror(err, "mount bind %s on itself", rootfs);
    cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return keel_syserror(err, "open %s", rootfs);
    mode_t old_umask = umask(0);
    int r = prepare_mounts(cfg, o, rootfd, err);
    umask(old_umask);
    return r;
}

static int pivot(const char *rootfs, keel_err *err)
{
    cleanup_close int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (oldroot < 0)
        return keel_syserror(err, "open /");
    if (chdir(rootfs) < 0)
        return keel_syserror(err, "chdir %s", rootfs);
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return keel_syserror(err, "pivot_root %s", rootfs);
    /* The old root is stacked on the new one; detach it. rootfs_prepare made
     * every mount a slave or private, so the unmount cannot reach the host. */
    if (fchdir(oldroot) < 0)
        return keel_syserror(err, "fchdir old root");
    if (umount2(".", MNT_DETACH) < 0)
        return keel_syserror(err, "umount old root");
    if (chdir("/") < 0)
        return keel_syserror(err, "chdir /");
    return 0;
}

/* chroot into the rootfs, with `move` (--no-pivot) after moving its mount onto /; in
 * the runtime's own mount namespace nothing may be moved: chroot only. */
static int chroot_root(const char *rootfs, bool move, keel_err *err)
{
    if (chdir(rootfs) < 0)
        return keel_syserror(err, "chdir %s", rootfs);
    if (move && mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        return keel_syserror(err, "mount move %s on /", rootfs);
    if (chroot(".") < 0)
        return keel_syserror(err, "chroot %s", rootfs);
    if (chdir("/") < 0)
        return keel_syserror(err, "chdir /");
    return 0;
}

int rootfs_pivot(const struct oci_config *cfg, const struct rootfs_opts *o, keel_err *err)
{
    char rootfs[PATH_MAX];
    if (rootfs_path(cfg, o, rootfs, sizeof rootfs, err) < 0)
        return -1;
    if (o->shared_mntns || o->no_pivot)
        return chroot_root(rootfs, !o->shared_mntns, err);
    return pivot(rootfs, err);
}

char *rootfs_bind_in_place(const struct oci_config *cfg, const char *bundle, keel_err *err)
{
    char rootfs[PATH_MAX];
    struct rootfs_opts o = {.bundle = bundle};
    if (rootfs_path(cfg, &o, rootfs, sizeof rootfs, err) < 0)
        return NULL;
    if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return keel_syserror(err, "mount bind %s on itself", rootfs), NULL;
    char *path = strdup(rootfs);
    if (path == NULL) {
        rootfs_detach(rootfs);
        keel_error(err, ENOMEM, "root.path");
    }
    return path;
}

void rootfs_detach(const char *rootfs)
{
    /* the mounts below were made in this very namespace: nothing to report if gone */
    (void)umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW);
}

int rootfs_finish(const struct oci_config *cfg, keel_err *err)
{
    const struct oci_linux *l = cfg->linux;
    unsigned long prop;
    if (root_propagation(cfg, &prop, err) < 0 || sysctl_apply(l, err) < 0)
        return -1;
    cleanup_close int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return keel_syserror(err, "open /");
    if (l != NULL && masked_paths_apply(rootfd, l->maskedPaths, l->maskedPaths_len, err) < 0)
        return -1;
    if (l != NULL && readonly_paths_apply(rootfd, l->readonlyPaths, l->readonlyPaths_len, err) < 0)
        return -1;
    if (cfg->root != NULL && cfg->root->readonly &&
        mount_setattr_fd(rootfd, 0, MOUNT_ATTR_RDONLY, 0, 0) < 0)
        return keel_syserror(err, "root.readonly: remount / read-only");
    if (prop != 0 && mount(NULL, "/", NULL, prop, NULL) < 0)
        return keel_syserror(err, "linux.rootfsPropagation: make / %s", l->rootfsPropagation);
    return 0;
}
