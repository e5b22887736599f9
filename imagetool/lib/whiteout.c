/* Applying whiteouts to a flat rootfs, or turning them into overlayfs marks. */
#include "whiteout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "layer_path.h"

enum whiteout_kind whiteout_classify(const char *base, const char **victim)
{
    if (strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) != 0)
        return WHITEOUT_NONE;
    if (strcmp(base, WHITEOUT_OPAQUE_NAME) == 0)
        return WHITEOUT_OPAQUE;
    const char *rest = base + strlen(WHITEOUT_PREFIX);
    if (strncmp(rest, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0)
        return WHITEOUT_META;
    if (*rest == '\0' || strcmp(rest, ".") == 0 || strcmp(rest, "..") == 0)
        return WHITEOUT_INVALID;
    *victim = rest;
    return WHITEOUT_FILE;
}

int whiteout_overlay_file(int parentfd, const char *victim, keel_err *err)
{
    if (mknodat(parentfd, victim, S_IFCHR | 0000, makedev(0, 0)) < 0 && errno != EEXIST)
        return keel_syserror(err, "create whiteout for %s", victim);
    return 0;
}

int whiteout_overlay_opaque(int dirfd, const char *path, keel_err *err)
{
    if (fsetxattr(dirfd, OVERLAY_OPAQUE_XATTR, "y", 1, 0) < 0)
        return keel_syserror(err, "set %s on %s", OVERLAY_OPAQUE_XATTR,
                             *path != '\0' ? path : "/");
    return 0;
}

static void join_path(char *out, size_t outsz, const char *dir, const char *name)
{
    snprintf(out, outsz, "%s%s%s", dir, *dir != '\0' ? "/" : "", name);
}

int whiteout_flat_file(int parentfd, const char *parent, const char *victim,
                       whiteout_keep_fn *keep, void *ctx, keel_err *err)
{
    char path[4096];
    join_path(path, sizeof path, parent, victim);
    if (keep(ctx, path))
        return 0;
    return remove_tree_at(parentfd, victim, err);
}

int whiteout_flat_opaque(int dirfd, const char *dir, whiteout_keep_fn *keep, void *ctx,
                         keel_err *err)
{
    int fd = dup(dirfd);
    if (fd < 0)
        return keel_syserror(err, "clear opaque directory %s", dir);
    cleanup_dir DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return keel_syserror(err, "clear opaque directory %s", dir);
    }
    struct dirent *de;
    while ((errno = 0, de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char path[4096];
        join_path(path, sizeof path, dir, de->d_name);
        if (!keep(ctx, path)) {
            if (remove_tree_at(dirfd, de->d_name, err) < 0)
                return keel_error_wrap(err, "clear opaque directory %s", dir);
            continue;
        }
        /* Written by this layer over a lower directory: what lies below it
         * is still hidden. */
        if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
            continue;
        cleanup_close int sub = openat(dirfd, de->d_name,
                                       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) {
            if (errno == ENOTDIR || errno == ELOOP)
                continue;
            return keel_syserror(err, "clear opaque directory %s", path);
        }
        if (whiteout_flat_opaque(sub, path, keep, ctx, err) < 0)
            return -1;
    }
    if (errno != 0)
        return keel_syserror(err, "clear opaque directory %s", dir);
    return 0;
}
