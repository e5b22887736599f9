/* In-root path resolution: openat2(RESOLVE_IN_ROOT) first, and a walk that
 * keeps an fd per resolved component, splices symlink targets into the rest of
 * the path and never lets ".." climb above the root. */
#include "path_resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "keel/cleanup.h"

#define MAX_SYMLINKS 40
#define MAX_DEPTH 256

static int sys_openat2(int dirfd, const char *path, struct open_how *how)
{
    return (int)syscall(SYS_openat2, dirfd, path, how, sizeof *how);
}

/* The resolved components so far: fds[0] is the root (not owned), fds[1..n) open. */
struct walk {
    int fds[MAX_DEPTH];
    size_t n;
};

static void walk_release(struct walk *w)
{
    for (size_t i = 1; i < w->n; i++)
        close(w->fds[i]);
    w->n = 1;
}

static int walk_top(const struct walk *w)
{
    return w->fds[w->n - 1];
}

/* Opens or creates one named component under dirfd, never following it. */
static int open_component(int dirfd, const char *name, bool create, bool as_file)
{
    int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 || errno != ENOENT || !create)
        return fd;
    if (as_file) {
        fd = openat(dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            return -1;
        if (fd >= 0)
            close(fd);
    } else if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST) {
        return -1;
    }
    /* EEXIST: someone made it meanwhile; open whatever is there now. */
    return openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

/* Replaces *rest with target + "/" + *rest (the symlink's text spliced in). */
static int splice_link(int linkfd, char **rest, const char *tail)
{
    char target[PATH_MAX];
    ssize_t len = readlinkat(linkfd, "", target, sizeof target - 1);
    if (len < 0)
        return -1;
    if (len == 0) {
        errno = ENOENT;
        return -1;
    }
    target[len] = '\0';
    size_t tlen = strlen(tail);
    char *next = malloc((size_t)len + tlen + 2);
    if (next == NULL)
        return -1;
    memcpy(next, target, (size_t)len);
    next[len] = '/';
    memcpy(next + len + 1, tail, tlen + 1);
    free(*rest);
    *rest = next;
    return 0;
}

/* The walk itself. Returns an O_PATH fd or -1 with errno set. */
static int walk_in_root(int rootfd, const char *path, unsigned flags)
{
    bool create = flags & (PATH_CREATE_DIR | PATH_CREATE_FILE);
    struct walk w = { .fds = { rootfd }, .n = 1 };
    cleanup_free char *rest = strdup(path);
    if (rest == NULL)
        return -1;
    int links = 0, ret = -1;
    char *p = rest;
    for (;;) {
        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
        char *end = strchrnul(p, '/');
        bool last = end[strspn(end, "/")] == '\0';
        char saved = *end;
        *end = '\0';
        if (strcmp(p, ".") == 0) {
            /* nothing to do */
        } else if (strcmp(p, "..") == 0) {
            if (w.n > 1)
                close(w.fds[--w.n]);
        } else {
            int fd = open_component(walk_top(&w), p, create, last && (flags & PATH_CREATE_FILE));
            if (fd < 0)
                goto out;
            struct stat st;
            if (fstat(fd, &st) < 0) {
                close(fd);
                goto out;
            }
            if (S_ISLNK(st.st_mode) && !(last && (flags & PATH_NO_FOLLOW))) {
                if (++links > MAX_SYMLINKS) {
                    close(fd);
                    errno = ELOOP;
                    goto out;
                }
                *end = saved;
                int r = splice_link(fd, &rest, end);
                close(fd);
                if (r < 0)
                    goto out;
                p = rest;
                if (*p == '/')
                    walk_release(&w);
                continue;
            }
            if (!last && !S_ISDIR(st.st_mode)) {
                close(fd);
                errno = ENOTDIR;
                goto out;
            }
            if (w.n == MAX_DEPTH) {
                close(fd);
                errno = ENAMETOOLONG;
                goto out;
            }
            w.fds[w.n++] = fd;
        }
        *end = saved;
        p = end;
    }
    if (w.n > 1)
        ret = w.fds[--w.n];
    else
        ret = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
out:
    walk_release(&w);
    return ret;
}

static int resolve(int rootfd, const char *path, unsigned flags)
{
    /* AT_FDCWD would make the current directory the root: fail closed */
    if (rootfd < 0) {
        errno = EBADF;
        return -1;
    }
    if (!(flags & PATH_NO_OPENAT2)) {
        struct open_how how = {
            .flags = O_PATH | O_CLOEXEC | ((flags & PATH_NO_FOLLOW) ? O_NOFOLLOW : 0),
            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        for (int tries = 0; tries < 4; tries++) {
            int fd = sys_openat2(rootfd, path, &how);
            if (fd >= 0)
                return fd;
            if (errno == EAGAIN) /* a rename raced the lookup: retry */
                continue;
            if (errno == ENOENT && (flags & (PATH_CREATE_DIR | PATH_CREATE_FILE)))
                break; /* the walk creates what is missing */
            if (errno != ENOSYS && errno != EPERM && errno != E2BIG)
                return -1;
            break;
        }
    }
    return walk_in_root(rootfd, path, flags);
}

int path_open_in_root(int rootfd, const char *path, unsigned flags, keel_err *err)
{
    int fd = resolve(rootfd, path, flags);
    if (fd < 0)
        return keel_syserror(err, "%s %s",
                             flags & (PATH_CREATE_DIR | PATH_CREATE_FILE) ? "create" : "open", path);
    return fd;
}

int path_open_parent_in_root(int rootfd, const char *path, unsigned flags, char *name,
                             size_t size, keel_err *err)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    size_t base = len;
    while (base > 0 && path[base - 1] != '/')
        base--;
    size_t nlen = len - base;
    if (nlen == 0 || nlen >= size || (nlen == 1 && path[base] == '.') ||
        (nlen == 2 && path[base] == '.' && path[base + 1] == '.'))
        return keel_error(err, EINVAL, "open %s", path);
    memcpy(name, path + base, nlen);
    name[nlen] = '\0';
    cleanup_free char *dir = strndup(path, base);
    if (dir == NULL)
        return keel_syserror(err, "open %s", path);
    flags &= ~(unsigned)(PATH_CREATE_FILE | PATH_NO_FOLLOW);
    int fd = resolve(rootfd, dir[0] != '\0' ? dir : "/", flags);
    if (fd < 0)
        return keel_syserror(err, "open %s", path);
    return fd;
}
