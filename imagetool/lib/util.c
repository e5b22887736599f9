/* File helpers: atomic writes, whole-file reads, recursive removal. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "store.h"

char *path_join(const char *a, const char *b)
{
    char *p = NULL;
    return asprintf(&p, "%s%s", a, b) < 0 ? NULL : p;
}

int write_file_atomic(struct store *s, const char *path, const void *buf, size_t len,
                      bool durable, keel_err *err)
{
    cleanup_free char *tmp = path_join(s->root, "/tmp/file-XXXXXX");
    if (tmp == NULL)
        return keel_syserror(err, "write %s", path);
    cleanup_close int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return keel_syserror(err, "create temp file for %s", path);
    if (fchmod(fd, 0644) < 0 || write_all(fd, buf, len) < 0 || (durable && fsync(fd) < 0) ||
        rename(tmp, path) < 0) {
        keel_syserror(err, "write %s", path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

int write_spec_file(struct store *s, const char *path, const struct spec_type *t,
                    const void *obj, bool durable, keel_err *err)
{
    size_t len = 0;
    cleanup_free char *doc = spec_generate(t, obj, false, &len, err);
    if (doc == NULL)
        return keel_error_wrap(err, "write %s", path);
    return write_file_atomic(s, path, doc, len, durable, err);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int r = type == FTW_DP ? rmdir(path) : unlink(path);
    return r < 0 && errno != ENOENT ? -1 : 0;
}

int remove_tree(const char *path, keel_err *err)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : keel_syserror(err, "remove %s", path);
    if (!S_ISDIR(st.st_mode))
        return unlink(path) < 0 ? keel_syserror(err, "remove %s", path) : 0;
    if (nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS) != 0)
        return keel_syserror(err, "remove %s", path);
    return 0;
}

static long long tree_bytes;

static int count_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)path;
    (void)type;
    (void)ftw;
    tree_bytes += (long long)st->st_blocks * 512;
    return 0;
}

long long tree_size(const char *path)
{
    tree_bytes = 0;
    if (nftw(path, count_entry, 32, FTW_PHYS) != 0)
        return -1;
    return tree_bytes;
}

static int not_dot(const struct dirent *e)
{
    return strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
}

static int byte_order(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

int scandir_sorted(int dirfd, struct dirent ***names)
{
    return scandirat(dirfd, ".", names, not_dot, byte_order);
}

int fd_each_chunk(int fd, int (*fn)(void *arg, const void *buf, size_t len), void *arg)
{
    char buf[64 << 10];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return (int)n;
        int rc = fn(arg, buf, (size_t)n);
        if (rc < 0)
            return rc;
    }
}

bool archive_magic(const unsigned char *h, size_t n)
{
    return (n >= 2 && h[0] == 0x1f && h[1] == 0x8b) ||
           (n >= 4 && h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd) ||
           (n >= 262 && memcmp(h + 257, "ustar", 5) == 0);
}

int chunk_to_fd(void *arg, const void *buf, size_t len)
{
    return write_all(*(int *)arg, buf, len);
}
