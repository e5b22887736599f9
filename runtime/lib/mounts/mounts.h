/* One config mounts[] entry mounted inside the rootfs: bind/rbind, cgroup, and
 * every other filesystem type passed through to mount(2). */
#ifndef KEEL_MOUNTS_H
#define KEEL_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "keel/runtime_spec.h"

struct mount_ctx {
    int rootfd;          /* the rootfs directory (O_PATH), the root of every destination */
    const char *bundle;  /* relative bind sources resolve against it */
    bool in_userns;      /* with no netns of its own, sysfs becomes a bind of /sys */
    bool netns;          /* the container has a network namespace */
    const char *mount_label; /* SELinux context for filesystem mounts, or NULL */
    bool cgroupns;       /* "cgroup" mounts fresh hierarchies instead of binding the host's */
    int detached;        /* the entry's mount made by keel (idmapped), to attach; else -1 */
};

/* Mounts m at its destination resolved inside ctx->rootfd, creating the
 * destination (a directory, or an empty file for a bind of a non-directory).
 * Errors name the syscall, the type and the destination as the container sees it. */
int mount_entry(const struct mount_ctx *ctx, const struct oci_mount *m, keel_err *err);

/* True when m is a bind mount (type "bind", or a bind/rbind option). */
bool mount_is_bind(const struct oci_mount *m);

/* "/proc/self/fd/N" for fd, so that mount(2) acts on an already-resolved path. */
#define FD_PATH_SIZE 32
const char *fd_path(char buf[FD_PATH_SIZE], int fd);

/* True when two absolute paths name the same place lexically ("/dev/" is "/dev"). */
bool path_same(const char *a, const char *b);

/* Idmapped mounts (mounts_idmap.c): made by keel on the host side, where
 * the source's ids are mapped, and attached by the init inside the rootfs. */
/* True when m asks for an idmapping (idmap/ridmap, or uidMappings/gidMappings). */
bool mount_wants_idmap(const struct oci_mount *m);
size_t mount_idmap_count(const struct oci_config *cfg);
/* In keel, once the container's user namespace has its maps: one detached
 * idmapped mount per entry that wants one, in order, into fds
 * (mount_idmap_count of them). container_userns (or -1 when the container
 * has none) gives the mapping of an entry without its own. */
int mount_idmap_prepare(const struct oci_config *cfg, const char *bundle, int container_userns,
                        int *fds, keel_err *err);

#endif

/* --- shared by the mount code (mounts.c, mounts_cgroup.c, masked.c) --- */
struct mount_opts;
/* A filesystem mount of `type` on dst inside the root (created as a directory). */
int mount_fs(const struct mount_ctx *ctx, const char *type, const char *src, const char *dst,
             const struct mount_opts *o, keel_err *err);
/* "cgroup": cgroup2 on a pure v2 host, else a tmpfs holding each v1 hierarchy
 * (and the v2 one of a hybrid host), bound from the host or mounted fresh in a
 * cgroup namespace. */
int mount_cgroup(const struct mount_ctx *ctx, const char *dst, const struct mount_opts *o,
                 keel_err *err);
/* The recursive attributes (rro, ...) and propagation changes of o, applied
 * to the mount fd refers to; errors name what and dst. */
int mount_apply_tree_opts(int fd, const struct mount_opts *o, const char *what, const char *dst,
                          keel_err *err);
/* Copies the directory `underneath` (an fd of what a tmpfs now covers) into
 * the tmpfs root, for tmpcopyup (mounts_copyup.c). */
int mount_copyup(int underneath, int tmpfs_root, const char *dst, keel_err *err);
/* A bind source as the host sees it: absolute, or relative to bundle. */
int mount_bind_source(const char *bundle, const char *src, char *buf, size_t size, keel_err *err);
/* A detached mount (an fd for move_mount) of src, or of a new filesystem of
 * type, with o's attributes and, when userns >= 0, its idmapping; errors name
 * dst. */
int mount_detached_bind(const char *src, const char *dst, const struct mount_opts *o, int userns,
                        keel_err *err);
int mount_detached_fs(const char *type, const char *src, const char *dst,
                      const struct mount_opts *o, int userns, keel_err *err);
/* mount_setattr on the mount fd refers to (AT_EMPTY_PATH, plus flags). */
int mount_setattr_fd(int fd, unsigned flags, uint64_t set, uint64_t clr, uint64_t propagation);
