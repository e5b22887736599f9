/* Masked and read-only paths: each target is opened inside the root and
 * mounted on through its fd. */
#include "masked.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "mounts.h"
#include "path_resolve.h"

/* Opens the container's /dev/null and refuses anything but the null device:
 * a /dev/null swapped for a symlink or another file would unmask instead. */
static int open_dev_null(int rootfd, keel_err *err)
{
    cleanup_close int fd = path_open_in_root(rootfd, "/dev/null", PATH_NO_FOLLOW, err);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return keel_syserror(err, "stat /dev/null");
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
        return keel_error(err, EPERM, "/dev/null is not the null device 1:3, refusing to mask with it");
    return steal_fd(fd);
}

int masked_paths_apply(int rootfd, char *const *paths, size_t n, keel_err *err)
{
    cleanup_close int null_fd = -1;
    char src[FD_PATH_SIZE], dst[FD_PATH_SIZE];
    for (size_t i = 0; i < n; i++) {
        cleanup_close int fd = path_open_in_root(rootfd, paths[i], 0, err);
        if (fd < 0) {
            if (err->errnum == ENOENT)
                continue;
            return keel_error_wrap(err, "linux.maskedPaths[%zu]", i);
        }
        struct stat st;
        if (fstat(fd, &st) < 0)
            return keel_syserror(err, "linux.maskedPaths[%zu]: stat %s", i, paths[i]);
        if (S_ISDIR(st.st_mode)) {
            if (mount("tmpfs", fd_path(dst, fd), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                      NULL) < 0)
                return keel_syserror(err, "linux.maskedPaths[%zu]: mount tmpfs on %s", i, paths[i]);
            continue;
        }
        if (null_fd < 0 && (null_fd = open_dev_null(rootfd, err)) < 0)
            return keel_error_wrap(err, "linux.maskedPaths[%zu]", i);
        if (mount(fd_path(src, null_fd), fd_path(dst, fd), NULL, MS_BIND, NULL) < 0)
            return keel_syserror(err, "linux.maskedPaths[%zu]: mount bind /dev/null on %s", i,
                                 paths[i]);
    }
    return 0;
}

int readonly_paths_apply(int rootfd, char *const *paths, size_t n, keel_err *err)
{
    for (size_t i = 0; i < n; i++) {
        cleanup_close int fd = path_open_in_root(rootfd, paths[i], 0, err);
        if (fd < 0) {
            if (err->errnum == ENOENT)
                continue;
            return keel_error_wrap(err, "linux.readonlyPaths[%zu]", i);
        }
        cleanup_close int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                       AT_EMPTY_PATH | AT_RECURSIVE);
        if (tree < 0)
            return keel_syserror(err, "linux.readonlyPaths[%zu]: open_tree %s", i, paths[i]);
        if (mount_setattr_fd(tree, AT_RECURSIVE, MOUNT_ATTR_RDONLY, 0, 0) < 0)
            return keel_syserror(err, "linux.readonlyPaths[%zu]: mount_setattr ro %s", i, paths[i]);
        if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
            return keel_syserror(err, "linux.readonlyPaths[%zu]: move_mount on %s", i, paths[i]);
    }
    return 0;
}
