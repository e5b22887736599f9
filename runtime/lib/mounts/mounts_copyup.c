/* tmpcopyup: a tmpfs mounted over a directory starts with a copy of what the
 * directory held (files, directories, symlinks and nodes, with owners and modes). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "mounts.h"

#define COPYUP_MAX_DEPTH 64

static int copy_file(int sdir, int ddir, const char *name, const struct stat *st)
{
    /* O_NONBLOCK: a fifo swapped in since the stat must not hang the copy */
    cleanup_close int in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (in < 0)
        return -1;
    struct stat now;
    if (fstat(in, &now) < 0)
        return -1;
    if (!S_ISREG(now.st_mode)) {
        errno = EAGAIN; /* changed under us */
        return -1;
    }
    cleanup_close int out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                   st->st_mode & 07777);
    if (out < 0)
        return -1;
    for (off_t left = st->st_size; left > 0;) {
        ssize_t n = sendfile(out, in, NULL, (size_t)left);
        if (n <= 0)
            return n < 0 ? -1 : 0; /* the file shrank meanwhile: keep what was read */
        left -= n;
    }
    return 0;
}

static int copy_entry(int sdir, int ddir, const char *name, int depth);

static int copy_dir(int sdir, int ddir, int depth)
{
    if (depth > COPYUP_MAX_DEPTH) {
        errno = ELOOP;
        return -1;
    }
    int fd = openat(sdir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    cleanup_dir DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return -1;
    }
    struct dirent *e;
    while ((errno = 0, e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (copy_entry(sdir, ddir, e->d_name, depth) < 0)
            return -1;
    }
    return errno != 0 ? -1 : 0;
}

static int copy_entry(int sdir, int ddir, const char *name, int depth)
{
    struct stat st;
    if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        if (mkdirat(ddir, name, st.st_mode & 07777) < 0)
            return -1;
        cleanup_close int s = openat(sdir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        cleanup_close int d = openat(ddir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0 || d < 0 || copy_dir(s, d, depth + 1) < 0)
            return -1;
    } else if (S_ISREG(st.st_mode)) {
        if (copy_file(sdir, ddir, name, &st) < 0)
            return -1;
    } else if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(sdir, name, target, sizeof target - 1);
        if (n < 0)
            return -1;
        target[n] = '\0';
        if (symlinkat(target, ddir, name) < 0)
            return -1;
    } else if (mknodat(ddir, name, st.st_mode, st.st_rdev) < 0) {
        return -1;
    }
    if (fchownat(ddir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    /* chown clears set-id bits; put the mode back (symlinks have none) */
    if (!S_ISLNK(st.st_mode) && fchmodat(ddir, name, st.st_mode & 07777, 0) < 0)
        return -1;
    return 0;
}

int mount_copyup(int underneath, int tmpfs_root, const char *dst, keel_err *err)
{
    struct stat st;
    if (fstat(underneath, &st) < 0)
        return keel_syserror(err, "tmpcopyup: stat %s", dst);
    if (copy_dir(underneath, tmpfs_root, 0) < 0)
        return keel_syserror(err, "tmpcopyup: copy %s", dst);
    char path[FD_PATH_SIZE];
    if (fchownat(tmpfs_root, "", st.st_uid, st.st_gid, AT_EMPTY_PATH) < 0 ||
        chmod(fd_path(path, tmpfs_root), st.st_mode & 07777) < 0)
        return keel_syserror(err, "tmpcopyup: chown %s", dst);
    return 0;
}
