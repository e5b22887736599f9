/* The container's filesystem: root, mounts, /dev, pivot_root, and what comes
 * after it (sysctl, masked and read-only paths, a read-only root). Runs in the
 * container's init process, in its new mount namespace. */
#ifndef KEEL_ROOTFS_H
#define KEEL_ROOTFS_H

#include <stdbool.h>

#include "keel/runtime_spec.h"

struct rootfs_opts {
    const char *bundle;       /* root.path and relative bind sources resolve against it */
    bool no_pivot;            /* move the root and chroot instead of pivot_root (runc --no-pivot) */
    bool in_userns;           /* no mknod: bind the host's device nodes */
    const char *console_path; /* pty slave to bind on /dev/console, or NULL */
    const int *idmapped;      /* the idmapped mounts keel made, one per entry that wants one */
    bool shared_mntns;        /* no mount namespace: runtime's (rootfs_bind_in_place) */
};

/* Without a mount namespace of its own the container inherits keel's (runtime.md),
 * as under runc its mounts land there, under the rootfs: keel binds the rootfs on
 * itself first so that they all hang below one mount, which rootfs_detach takes off
 * (a failed create, delete). / keeps its propagation and the init chroots into the
 * rootfs instead of pivot_root. Returns the rootfs path (malloc'd) or NULL. */
char *rootfs_bind_in_place(const struct oci_config *cfg, const char *bundle, keel_err *err);
/* Detaches that bind and every mount below it (best effort: nothing to report). */
void rootfs_detach(const char *rootfs);

/* Called in the container's new mount namespace: rootfs propagation (/ made
 * rslave, or rootfsPropagation recursively, first, so nothing leaks to the host),
 * the rootfs (root.path, relative to bundle) bound on itself, every mounts[]
 * entry in order, then /dev unless a bind mount covers it (the default devices
 * null zero full random urandom tty, /dev/ptmx -> pts/ptmx, /dev/fd and the
 * std* links, /dev/console from console_path) and linux.devices (mknod with
 * mode/uid/gid, or a bind of the host node when in_userns). Runs BEFORE the
 * createContainer hooks. */
int rootfs_prepare(const struct oci_config *cfg, const struct rootfs_opts *o, keel_err *err);

/* pivot_root into the rootfs and detach the old root (or, with no_pivot, move
 * the rootfs onto / and chroot into it). After the createContainer hooks. */
int rootfs_pivot(const struct oci_config *cfg, const struct rootfs_opts *o, keel_err *err);

/* After pivot: linux.sysctl, maskedPaths, readonlyPaths, root.readonly, and the
 * final rootfsPropagation of /. */
int rootfs_finish(const struct oci_config *cfg, keel_err *err);

/* Every mount option the mount code understands, NULL-terminated (for `keel features`). */
extern const char *const rootfs_mount_option_names[];

#endif
