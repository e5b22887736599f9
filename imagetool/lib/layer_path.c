/* Cleaning member names and resolving them inside the target directory. */
#include "layer_path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "keel/cleanup.h"

int layer_path_clean(const char *name, char *out, size_t outsz)
{
    size_t len = 0;
    const char *p = name;

    while (*p != '\0') {
        while (*p == '/')
            p++;
        const char *end = strchrnul(p, '/');
        size_t n = (size_t)(end - p);
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing to add */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (len == 0) {
                errno = EPERM;
                return -1;
            }
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--; /* the separator */
        } else {
            if (len + (len > 0) + n + 1 > outsz) {
                errno = ENAMETOOLONG;
                return -1;
            }
            if (len > 0)
                out[len++] = '/';
            memcpy(out + len, p, n);
            len += n;
        }
        p = end;
    }
    if (outsz == 0) {
        errno = ENAMETOOLONG;
        return -1;
    }
    out[len] = '\0';
    return 0;
}

const char *layer_path_split(char *buf, const char **dir)
{
    char *slash = strrchr(buf, '/');
    if (slash == NULL) {
        *dir = "";
        return buf;
    }
    *slash = '\0';
    *dir = buf;
    return slash + 1;
}

static int openat2_in_root(int rootfd, const char *path, int flags)
{
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_DIRECTORY | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int fd;
    do
        fd = (int)syscall(SYS_openat2, rootfd, *path != '\0' ? path : ".", &how, sizeof how);
    while (fd < 0 && errno == EAGAIN);
    return fd;
}

int root_open_dir(int rootfd, const char *path, int flags, bool create, keel_err *err)
{
    int fd = openat2_in_root(rootfd, path, flags);
    if (fd >= 0 || errno != ENOENT || !create) {
        if (fd < 0)
            return keel_syserror(err, "open %s in the target", *path != '\0' ? path : "/");
        return fd;
    }

    /* Slow path: make each missing directory, resolving every prefix from
     * the root again so that a symlink among them stays inside. */
    char prefix[4096];
    size_t plen = strlen(path);
    if (plen >= sizeof prefix)
        return keel_error(err, ENAMETOOLONG, "open %s in the target", path);
    for (size_t i = 0; i <= plen; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        memcpy(prefix, path, i);
        prefix[i] = '\0';
        cleanup_close int dfd = openat2_in_root(rootfd, prefix, O_PATH);
        if (dfd >= 0)
            continue;
        if (errno != ENOENT)
            return keel_syserror(err, "open %s in the target", prefix);
        char *slash = strrchr(prefix, '/');
        const char *parent = slash != NULL ? prefix : "";
        const char *base = prefix;
        if (slash != NULL) {
            *slash = '\0';
            base = slash + 1;
        }
        cleanup_close int pfd = openat2_in_root(rootfd, parent, O_PATH);
        if (pfd < 0 || (mkdirat(pfd, base, 0755) < 0 && errno != EEXIST)) {
            if (slash != NULL)
                *slash = '/';
            return keel_syserror(err, "create directory %s in the target", prefix);
        }
    }
    fd = openat2_in_root(rootfd, path, flags);
    if (fd < 0)
        return keel_syserror(err, "open %s in the target", path);
    return fd;
}

int remove_tree_contents(int dfd, const char *name, keel_err *err)
{
    cleanup_dir DIR *d = fdopendir(dfd);
    if (d == NULL) {
        close(dfd);
        return keel_syserror(err, "read directory %s", name);
    }
    rewinddir(d);
    struct dirent *de;
    while ((errno = 0, de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (remove_tree_at(dirfd(d), de->d_name, err) < 0)
            return keel_error_wrap(err, "remove %s", name);
    }
    if (errno != 0)
        return keel_syserror(err, "read directory %s", name);
    return 0;
}

int remove_tree_at(int dirfd, const char *name, keel_err *err)
{
    if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR)
        return keel_syserror(err, "remove %s", name);
    int dfd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return keel_syserror(err, "open %s", name);
    if (remove_tree_contents(dfd, name, err) < 0)
        return -1;
    if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return keel_syserror(err, "remove %s", name);
    return 0;
}

int dir_create_empty(const char *dir, bool *made, keel_err *err)
{
    *made = mkdir(dir, 0755) == 0;
    if (*made)
        return 0;
    if (errno != EEXIST)
        return keel_syserror(err, "create %s", dir);
    return dir_check_empty(dir, err);
}

int dir_check_empty(const char *dir, keel_err *err)
{
    cleanup_dir DIR *d = opendir(dir);
    if (d == NULL)
        return keel_syserror(err, "open %s", dir);
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            return keel_error(err, ENOTEMPTY, "%s", dir);
    return 0;
}

int root_open_file(int rootfd, const char *path, keel_err *err)
{
    /* O_NONBLOCK: a fifo planted under the name must not hang the open */
    struct open_how how = {
        .flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int fd;
    do
        fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
    while (fd < 0 && errno == EAGAIN);
    if (fd < 0)
        return keel_syserror(err, "open %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, 0) < 0) {
        close(fd);
        return keel_error(err, EINVAL, "open %s: not a regular file", path);
    }
    return fd;
}
