/* The context directory, source selection and content checksums. */
#include "context.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "filesums.h"
#include "keel/cleanup.h"
#include "keel/fsutil.h"
#include "layer_path.h"
#include "util.h"

#define IGNORE_MAX (1u << 20)

static int read_ignore(struct build_context *c, const char *path, keel_err *err)
{
    cleanup_free char *text = NULL;
    size_t len;
    if (read_file(path, IGNORE_MAX, &text, &len, err) < 0)
        return keel_error_wrap(err, "read .dockerignore");
    return dockerignore_parse(text, len, &c->ignore, err);
}

int context_open(struct build_context *c, const char *dir, const char *dockerfile,
                 keel_err *err)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    if (dir == NULL)
        return 0;
    if ((c->dir = strdup(dir)) == NULL)
        return keel_syserror(err, "context");
    c->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c->fd < 0)
        return keel_syserror(err, "unable to prepare context: path \"%s\" not found", dir);
    char path[PATH_MAX];
    if (dockerfile != NULL) {
        snprintf(path, sizeof path, "%s.dockerignore", dockerfile);
        if (access(path, F_OK) == 0)
            return read_ignore(c, path, err);
    }
    snprintf(path, sizeof path, "%s/.dockerignore", dir);
    if (access(path, F_OK) == 0)
        return read_ignore(c, path, err);
    return 0;
}

void context_close(struct build_context *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->dir);
    dockerignore_release(&c->ignore);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

bool source_excluded(const struct copy_source *src, const char *path)
{
    return src->ignore != NULL && path[0] != '\0' && dockerignore_excludes(src->ignore, path);
}

static int add_path(char ***v, size_t *n, const char *p)
{
    char **nv = realloc(*v, (*n + 2) * sizeof *nv);
    if (nv == NULL)
        return -1;
    *v = nv;
    if ((nv[*n] = strdup(p)) == NULL)
        return -1;
    nv[++*n] = NULL;
    return 0;
}

static bool has_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

static int byname(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Matches the components of pattern from `rest` below directory `dir`. */
static int glob_in(const struct copy_source *src, const char *dir, const char *rest, char ***out,
                   size_t *n, keel_err *err)
{
    const char *slash = strchr(rest, '/');
    size_t l = slash != NULL ? (size_t)(slash - rest) : strlen(rest);
    char comp[NAME_MAX + 1];
    if (l > NAME_MAX)
        return 0;
    memcpy(comp, rest, l);
    comp[l] = '\0';
    int dfd = root_open_dir(src->rootfd, dir, O_RDONLY, false, err);
    if (dfd < 0)
        return 0; /* not a directory: nothing below it matches */
    DIR *d = fdopendir(dfd);
    if (d == NULL) {
        close(dfd);
        return keel_syserror(err, "read %s", dir);
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            fnmatch(comp, e->d_name, 0) != 0)
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s%s%s", dir, dir[0] != '\0' ? "/" : "", e->d_name);
        if (source_excluded(src, path))
            continue;
        if (slash == NULL)
            rc = add_path(out, n, path) < 0 ? keel_syserror(err, "copy") : 0;
        else
            rc = glob_in(src, path, slash + 1, out, n, err);
    }
    closedir(d);
    return rc;
}

/* docker's message; errnum ENOENT for callers, not appended to the text. */
static int not_found(const char *path, keel_err *err)
{
    keel_error(err, 0, "failed to compute cache key: \"/%s\": not found", path);
    err->errnum = ENOENT;
    return -1;
}

int source_select(const struct copy_source *src, const char *pattern, char ***out, size_t *n,
                  keel_err *err)
{
    char clean[PATH_MAX];
    if (layer_path_clean(pattern, clean, sizeof clean) < 0)
        return keel_error(err, 0, "forbidden path outside the build context: %s", pattern);
    if (!has_glob(clean)) {
        struct stat st;
        int dfd = -1;
        char copy[PATH_MAX];
        strcpy(copy, clean);
        const char *dir;
        const char *base = layer_path_split(copy, &dir);
        if (clean[0] != '\0')
            dfd = root_open_dir(src->rootfd, dir, O_PATH, false, err);
        bool found = clean[0] == '\0' ||
                     (dfd >= 0 && fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0);
        if (dfd >= 0)
            close(dfd);
        if (!found || source_excluded(src, clean))
            return not_found(clean, err);
        return add_path(out, n, clean) < 0 ? keel_syserror(err, "copy") : 0;
    }
    size_t before = *n;
    if (glob_in(src, "", clean, out, n, err) < 0)
        return -1;
    if (*n == before)
        return not_found(clean, err);
    qsort(*out + before, *n - before, sizeof **out, byname);
    return 0;
}

static int hash_chunk(void *arg, const void *buf, size_t len)
{
    digester_update(arg, buf, len);
    return 0;
}

/* A file's content goes into d as its own digest, taken from the memo when
 * the file's stat has not changed since it was read. */
static int hash_file(const struct copy_source *src, int dirfd, const char *name,
                     const struct stat *st, struct digester *d, keel_err *err)
{
    char sum[DIGEST_BUF];
    if (src->sums == NULL || !filesums_get(src->sums, st, sum)) {
        cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return keel_syserror(err, "open %s", name);
        struct digester *f = digester_new(err);
        if (f == NULL)
            return -1;
        int rc = fd_each_chunk(fd, hash_chunk, f);
        digester_final(f, sum);
        digester_free(f);
        if (rc < 0)
            return keel_syserror(err, "read %s", name);
        /* a file changed in the last seconds may change again within the
         * timestamps' granularity: not remembered (git's racy-index rule) */
        if (src->sums != NULL && st->st_ctim.tv_sec < time(NULL) - 2)
            filesums_put(src->sums, st, sum);
    }
    digester_update(d, sum, strlen(sum));
    return 0;
}

static int hash_tree(const struct copy_source *src, int dirfd, const char *name, const char *rel,
                     struct digester *d, keel_err *err);

static int hash_dir(const struct copy_source *src, int dfd, const char *rel, struct digester *d,
                    keel_err *err)
{
    struct dirent **names;
    int k = scandir_sorted(dfd, &names);
    if (k < 0)
        return keel_syserror(err, "read %s", rel);
    int rc = 0;
    for (int i = 0; i < k; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s%s%s", rel, rel[0] != '\0' ? "/" : "", names[i]->d_name);
        if (rc == 0 && !source_excluded(src, path))
            rc = hash_tree(src, dfd, names[i]->d_name, path, d, err);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int hash_tree(const struct copy_source *src, int dirfd, const char *name, const char *rel,
                     struct digester *d, keel_err *err)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return keel_syserror(err, "stat %s", rel);
    char head[PATH_MAX + 128];
    int hl = snprintf(head, sizeof head, "%s%c%o %u:%u %lld", rel, 0, st.st_mode, st.st_uid,
                      st.st_gid, S_ISREG(st.st_mode) ? (long long)st.st_size : 0LL);
    digester_update(d, head, (size_t)hl + 1);
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t l = readlinkat(dirfd, name, target, sizeof target);
        if (l < 0)
            return keel_syserror(err, "readlink %s", rel);
        digester_update(d, target, (size_t)l);
        return 0;
    }
    if (S_ISREG(st.st_mode))
        return hash_file(src, dirfd, name, &st, d, err);
    if (!S_ISDIR(st.st_mode))
        return 0;
    cleanup_close int dfd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return keel_syserror(err, "open %s", rel);
    return hash_dir(src, dfd, rel, d, err);
}

int source_checksum(const struct copy_source *src, char *const *paths, size_t n,
                    struct digester *d, keel_err *err)
{
    for (size_t i = 0; i < n; i++) {
        char copy[PATH_MAX];
        snprintf(copy, sizeof copy, "%s", paths[i]);
        const char *dir;
        const char *base = layer_path_split(copy, &dir);
        if (paths[i][0] == '\0') {
            int fd = dup(src->rootfd);
            if (fd < 0)
                return keel_syserror(err, "checksum");
            int rc = hash_dir(src, fd, "", d, err);
            close(fd);
            if (rc < 0)
                return -1;
            continue;
        }
        cleanup_close int dfd = root_open_dir(src->rootfd, dir, O_RDONLY, false, err);
        if (dfd < 0 || hash_tree(src, dfd, base, paths[i], d, err) < 0)
            return -1;
    }
    return 0;
}
