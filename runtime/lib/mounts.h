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
/* A user namespace fd for an idmap/ridmap mount of m (mounts_idmap.c). */
int mount_idmap_userns(const struct oci_mount *m, bool in_userns, keel_err *err);
/* mount_setattr on the mount fd refers to (AT_EMPTY_PATH, plus flags). */
int mount_setattr_fd(int fd, unsigned flags, uint64_t set, uint64_t clr, uint64_t propagation);
