/* Device nodes in the container's /dev: made with mknod, or bound from the
 * host where a user namespace forbids mknod. */
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "mounts.h"
#include "path_resolve.h"

struct device {
    const char *path; /* in the container, and the host node bound in a user namespace */
    mode_t type;      /* S_IFCHR, S_IFBLK or S_IFIFO */
    unsigned major, minor;
    mode_t mode;
    uid_t uid;
    gid_t gid;
};

static const struct device default_devices[] = {
    { "/dev/null", S_IFCHR, 1, 3, 0666, 0, 0 },
    { "/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0 },
    { "/dev/full", S_IFCHR, 1, 7, 0666, 0, 0 },
    { "/dev/random", S_IFCHR, 1, 8, 0666, 0, 0 },
    { "/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0 },
    { "/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0 },
};

static const struct { const char *target, *name; } dev_links[] = {
    { "/proc/self/fd", "fd" },
    { "/proc/self/fd/0", "stdin" },
    { "/proc/self/fd/1", "stdout" },
    { "/proc/self/fd/2", "stderr" },
    { "pts/ptmx", "ptmx" },
};

/* Binds the host's node at d->path on an empty file dir/name. */
static int bind_device(int dirfd, const char *name, const struct device *d, keel_err *err)
{
    cleanup_close int fd = openat(dirfd, name, O_CREAT | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0)
        return keel_syserror(err, "create %s", d->path);
    char target[FD_PATH_SIZE];
    if (mount(d->path, fd_path(target, fd), NULL, MS_BIND, NULL) < 0)
        return keel_syserror(err, "mount bind %s on %s", d->path, d->path);
    return 0;
}

static int make_device(int dirfd, const char *name, const struct device *d, bool in_userns,
                       keel_err *err)
{
    if (in_userns && d->type != S_IFIFO) /* a FIFO needs no privilege: mknod it */
        return bind_device(dirfd, name, d, err);
    dev_t rdev = d->type == S_IFIFO ? 0 : makedev(d->major, d->minor);
    if (mknodat(dirfd, name, d->type | (d->mode & 07777), rdev) < 0) {
        if (errno != EEXIST)
            return keel_syserror(err, "mknod %s", d->path);
        /* config-linux.md: an existing file that is not this device is an error. */
        struct stat st;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return keel_syserror(err, "stat %s", d->path);
        if ((st.st_mode & S_IFMT) != d->type || (d->type != S_IFIFO && st.st_rdev != rdev))
            return keel_error(err, EEXIST, "mknod %s: a different file exists there", d->path);
        return 0;
    }
    if ((d->uid != 0 || d->gid != 0) &&
        fchownat(dirfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
        return keel_syserror(err, "chown %s", d->path);
    return 0;
}

/* A linux.devices entry as a struct device; errors name its index. */
static int config_device(const struct oci_device *c, size_t i, struct device *d, keel_err *err)
{
    if (c->path == NULL || c->type == NULL)
        return keel_error(err, EINVAL, "linux.devices[%zu]: path and type are required", i);
    if (strcmp(c->type, "c") == 0 || strcmp(c->type, "u") == 0)
        d->type = S_IFCHR;
    else if (strcmp(c->type, "b") == 0)
        d->type = S_IFBLK;
    else if (strcmp(c->type, "p") == 0)
        d->type = S_IFIFO;
    else
        return keel_error(err, EINVAL, "linux.devices[%zu].type: %s is not c, b, u or p", i,
                          c->type);
    if (d->type != S_IFIFO && (!c->has_major || !c->has_minor))
        return keel_error(err, EINVAL, "linux.devices[%zu]: major and minor are required", i);
    d->path = c->path;
    d->major = (unsigned)c->major;
    d->minor = (unsigned)c->minor;
    /* the type bits some engines put in fileMode are d->type's business */
    d->mode = c->has_fileMode ? (mode_t)c->fileMode & 07777 : 0666;
    d->uid = c->has_uid ? c->uid : 0;
    d->gid = c->has_gid ? c->gid : 0;
    return 0;
}

static bool configured(const struct oci_linux *l, const char *path)
{
    for (size_t i = 0; l != NULL && i < l->devices_len; i++)
        if (l->devices[i].path != NULL && path_same(l->devices[i].path, path))
            return true;
    return false;
}

static int setup_defaults(int devfd, const struct oci_linux *l, bool in_userns, keel_err *err)
{
    for (size_t i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++) {
        const struct device *d = &default_devices[i];
        if (!configured(l, d->path) &&
            make_device(devfd, d->path + strlen("/dev/"), d, in_userns, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < sizeof dev_links / sizeof dev_links[0]; i++) {
        const char *name = dev_links[i].name;
        if (strcmp(name, "ptmx") == 0 && unlinkat(devfd, name, 0) < 0 && errno != ENOENT)
            return keel_syserror(err, "remove /dev/ptmx");
        if (symlinkat(dev_links[i].target, devfd, name) < 0 && errno != EEXIST)
            return keel_syserror(err, "symlink /dev/%s", name);
    }
    return 0;
}

static int setup_console(int devfd, const char *console_path, keel_err *err)
{
    cleanup_close int fd = openat(devfd, "console", O_CREAT | O_RDONLY | O_NOFOLLOW | O_CLOEXEC,
                                  0600);
    if (fd < 0)
        return keel_syserror(err, "create /dev/console");
    char target[FD_PATH_SIZE];
    if (mount(console_path, fd_path(target, fd), NULL, MS_BIND, NULL) < 0)
        return keel_syserror(err, "mount bind %s on /dev/console", console_path);
    return 0;
}

int devices_setup(int rootfd, const struct oci_linux *linux_cfg, bool defaults, bool in_userns,
                  const char *console_path, keel_err *err)
{
    if (defaults || console_path != NULL) {
        cleanup_close int devfd = path_open_in_root(rootfd, "/dev", PATH_CREATE_DIR, err);
        if (devfd < 0)
            return -1;
        if (defaults && setup_defaults(devfd, linux_cfg, in_userns, err) < 0)
            return -1;
        if (console_path != NULL && setup_console(devfd, console_path, err) < 0)
            return -1;
    }
    for (size_t i = 0; linux_cfg != NULL && i < linux_cfg->devices_len; i++) {
        struct device d = { 0 };
        if (config_device(&linux_cfg->devices[i], i, &d, err) < 0)
            return -1;
        /* --privileged in docker, podman and ctr lists the host's /dev/ptmx: the
         * container's is the link to its own devpts' (setup_defaults), as in runc */
        if (path_same(d.path, "/dev/ptmx"))
            continue;
        char name[NAME_MAX + 1];
        cleanup_close int dirfd = path_open_parent_in_root(rootfd, d.path, PATH_CREATE_DIR, name,
                                                           sizeof name, err);
        if (dirfd < 0 || make_device(dirfd, name, &d, in_userns, err) < 0)
            return keel_error_wrap(err, "linux.devices[%zu]", i);
    }
    return 0;
}
