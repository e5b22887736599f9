/* Bundles are built beside their directory and renamed into place when
 * complete, so that a bundle killed half way never leaves a partial DIR;
 * what such a bundle left is removed by the next bundle or unbundle there. */
#include "bundle_staging.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "keel/cleanup.h"
#include "layer_path.h"
#include "util.h"

/* PARENT/.keel-bundle-XXXXXX, flock'ed by its builder while it lives. */
#define STAGING_PREFIX ".keel-bundle-"

/* Unmounts the rootfs of a staging directory (MNT_DETACH: its builder is gone)
 * and removes the directory, never descending into a rootfs still mounted. */
static int staging_remove(int parentfd, const char *parent, const char *name, keel_err *err)
{
    char rootfs[PATH_MAX];
    snprintf(rootfs, sizeof rootfs, "%s/%s/" BUNDLE_ROOTFS, parent, name);
    if (umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
        return keel_syserror(err, "unmount %s", rootfs);
    struct stat top, fs;
    if (fstatat(parentfd, name, &top, AT_SYMLINK_NOFOLLOW) == 0 &&
        lstat(rootfs, &fs) == 0 && top.st_dev != fs.st_dev)
        return keel_error(err, EBUSY, "%s is still mounted", rootfs);
    return remove_tree_at(parentfd, name, err);
}

void bundle_staging_sweep(const char *parent)
{
    cleanup_dir DIR *d = opendir(parent);
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, STAGING_PREFIX, strlen(STAGING_PREFIX)) != 0)
            continue;
        cleanup_close int fd = openat(dirfd(d), de->d_name,
                                      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        /* locked: a bundle in progress */
        if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
            continue;
        keel_err ignored; /* best effort: the next sweep tries again */
        staging_remove(dirfd(d), parent, de->d_name, &ignored);
    }
}

/* The absolute paths of dir (which need not exist) and of its parent. */
static int staging_paths(const char *dir, struct bundle_staging *st, keel_err *err)
{
    char real[PATH_MAX];
    if (realpath(dir, real) != NULL) {
        if (dir_check_empty(real, err) < 0)
            return -1;
        st->final = strdup(real);
    } else {
        if (errno != ENOENT)
            return keel_syserror(err, "%s", dir);
        cleanup_free char *copy = strdup(dir);
        if (copy == NULL)
            return keel_syserror(err, "%s", dir);
        size_t len = strlen(copy);
        while (len > 1 && copy[len - 1] == '/')
            copy[--len] = '\0';
        char *slash = strrchr(copy, '/');
        const char *name = slash != NULL ? slash + 1 : copy;
        if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            return keel_error(err, EINVAL, "%s: not a directory name", dir);
        const char *parent = ".";
        if (slash == copy)
            parent = "/";
        else if (slash != NULL) {
            *slash = '\0';
            parent = copy;
        }
        if (realpath(parent, real) == NULL)
            return keel_syserror(err, "%s", parent);
        if (asprintf(&st->final, "%s/%s", strcmp(real, "/") == 0 ? "" : real, name) < 0)
            st->final = NULL;
    }
    if (st->final == NULL || (st->parent = strdup(st->final)) == NULL)
        return keel_syserror(err, "%s", dir);
    char *slash = strrchr(st->parent, '/');
    slash[slash == st->parent ? 1 : 0] = '\0';
    return 0;
}

/* A fresh staging directory, locked; retried when a concurrent bundle's
 * sweep removed it between its making and the lock. */
static int staging_make(struct bundle_staging *st, keel_err *err)
{
    for (int tries = 0; tries < 10; tries++) {
        free(st->dir);
        if (asprintf(&st->dir, "%s/" STAGING_PREFIX "XXXXXX",
                     strcmp(st->parent, "/") == 0 ? "" : st->parent) < 0) {
            st->dir = NULL;
            return keel_syserror(err, "bundle %s", st->final);
        }
        if (mkdtemp(st->dir) == NULL)
            return keel_syserror(err, "create a directory beside %s", st->final);
        st->lockfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (st->lockfd < 0 && errno == ENOENT)
            continue; /* swept already */
        struct stat sb;
        if (st->lockfd < 0 || flock(st->lockfd, LOCK_EX) < 0 || fstat(st->lockfd, &sb) < 0)
            return keel_syserror(err, "lock %s", st->dir);
        if (sb.st_nlink > 0)
            return fchmod(st->lockfd, 0755) < 0 ? keel_syserror(err, "chmod %s", st->dir) : 0;
        close(st->lockfd);
        st->lockfd = -1;
    }
    return keel_error(err, EAGAIN, "bundle %s: the staging directory kept disappearing", st->final);
}

int bundle_staging_begin(const char *dir, struct bundle_staging *st, keel_err *err)
{
    *st = (struct bundle_staging){.lockfd = -1};
    if (staging_paths(dir, st, err) < 0) {
        bundle_staging_abort(st);
        return -1;
    }
    bundle_staging_sweep(st->parent);
    if (staging_make(st, err) < 0) {
        bundle_staging_abort(st);
        return -1;
    }
    return 0;
}

int bundle_staging_commit(struct bundle_staging *st, keel_err *err)
{
    /* over an empty directory DIR, or where there was none */
    if (rename(st->dir, st->final) < 0)
        return keel_syserror(err, "rename %s to %s", st->dir, st->final);
    free(st->dir);
    st->dir = NULL;
    bundle_staging_abort(st); /* releases what is left: nothing to remove now */
    return 0;
}

void bundle_staging_abort(struct bundle_staging *st)
{
    if (st->dir != NULL) {
        cleanup_close int parentfd = open(st->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        keel_err ignored; /* the error to report is the caller's; a sweep retries */
        if (parentfd >= 0)
            staging_remove(parentfd, st->parent, strrchr(st->dir, '/') + 1, &ignored);
    }
    if (st->lockfd >= 0)
        close(st->lockfd);
    free(st->dir);
    free(st->final);
    free(st->parent);
    *st = (struct bundle_staging){.lockfd = -1};
}
