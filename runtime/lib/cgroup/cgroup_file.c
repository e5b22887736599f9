/* Reading and writing cgroup control files relative to an open directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "cgroup_internal.h"

int cg_write(const struct cg_dir *d, const char *file, const char *value, keel_err *err)
{
    cleanup_close int fd = openat(d->fd, file, O_WRONLY | O_TRUNC | O_CLOEXEC);
    size_t len = strlen(value);
    ssize_t n;

    if (fd < 0)
        return keel_syserror(err, "write %s/%s=%s", d->path, file, value);
    n = write(fd, value, len);
    if (n < 0)
        return keel_syserror(err, "write %s/%s=%s", d->path, file, value);
    if ((size_t)n != len)
        return keel_error(err, EIO, "write %s/%s=%s: short write", d->path, file, value);
    return 0;
}

int cg_writef(const struct cg_dir *d, const char *file, keel_err *err, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return cg_write(d, file, buf, err);
}

ssize_t cg_read(const struct cg_dir *d, const char *file, char *buf, size_t size, keel_err *err)
{
    cleanup_close int fd = openat(d->fd, file, O_RDONLY | O_CLOEXEC);
    size_t len = 0;

    if (fd < 0)
        return keel_syserror(err, "read %s/%s", d->path, file);
    while (len + 1 < size) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return keel_syserror(err, "read %s/%s", d->path, file);
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    while (len > 0 && buf[len - 1] == '\n')
        len--;
    buf[len] = '\0';
    return (ssize_t)len;
}

int cg_read_u64(const struct cg_dir *d, const char *file, uint64_t *v, keel_err *err)
{
    char buf[64], *end;

    if (cg_read(d, file, buf, sizeof buf, err) < 0)
        return -1;
    if (strcmp(buf, "max") == 0) {
        *v = UINT64_MAX;
        return 0;
    }
    errno = 0;
    *v = strtoull(buf, &end, 10);
    if (errno != 0 || end == buf || (*end != '\0' && *end != '\n'))
        return keel_error(err, EINVAL, "read %s/%s: \"%s\" is not a number", d->path, file, buf);
    return 0;
}

int cg_read_keyed(const struct cg_dir *d, const char *file, const char *key, uint64_t *v,
                  keel_err *err)
{
    char buf[16384];
    size_t klen = strlen(key);

    if (cg_read(d, file, buf, sizeof buf, err) < 0)
        return -1;
    for (char *line = buf; line != NULL && *line != '\0';) {
        char *next = strchr(line, '\n');
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
            *v = strtoull(line + klen + 1, NULL, 10);
            return 0;
        }
        line = next != NULL ? next + 1 : NULL;
    }
    return 0;
}

bool cg_exists(const struct cg_dir *d, const char *file)
{
    return faccessat(d->fd, file, F_OK, 0) == 0;
}

int cg_stat_u64(const struct cg_dir *d, const char *file, uint64_t *v, bool *has, keel_err *err)
{
    if (cg_read_u64(d, file, v, err) < 0) {
        if (err->errnum == ENOENT)
            return 0;
        return -1;
    }
    if (has != NULL)
        *has = true;
    return 0;
}

void *cg_stats_obj(void *p, size_t size)
{
    return p != NULL ? p : calloc(1, size);
}

/* "hugetlb.2MB.usage_in_bytes" -> "2MB" when the file ends in suffix. */
static bool hugetlb_size(const char *name, const char *suffix, char *size, size_t len)
{
    const char *start = name + strlen("hugetlb.");
    const char *dot;

    if (strncmp(name, "hugetlb.", 8) != 0)
        return false;
    dot = strchr(start, '.');
    if (dot == NULL || strcmp(dot + 1, suffix) != 0 || (size_t)(dot - start) >= len)
        return false;
    memcpy(size, start, (size_t)(dot - start));
    size[dot - start] = '\0';
    return true;
}

int cg_hugetlb_stats(const struct cg_dir *d, const char *usage, const char *max,
                     const char *failcnt, struct runc_stats *s, keel_err *err)
{
    int fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cleanup_dir DIR *dir = NULL;
    struct dirent *de;

    if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
        if (fd >= 0)
            close(fd);
        return keel_syserror(err, "open %s", d->path);
    }
    while ((de = readdir(dir)) != NULL) {
        char size[32], file[128];
        struct runc_hugetlb h = { 0 };
        uint64_t v = 0;
        bool has = false;
        char **keys;
        struct runc_hugetlb *vals;

        if (!hugetlb_size(de->d_name, usage, size, sizeof size))
            continue;
        snprintf(file, sizeof file, "hugetlb.%s.%s", size, usage);
        if (cg_stat_u64(d, file, &v, &has, err) < 0)
            return -1;
        CG_SET(&h, usage, v);
        snprintf(file, sizeof file, "hugetlb.%s.%s", size, max);
        v = 0;
        if (cg_stat_u64(d, file, &v, &has, err) < 0)
            return -1;
        CG_SET(&h, max, v == UINT64_MAX ? 0 : v);
        snprintf(file, sizeof file, "hugetlb.%s.%s", size, failcnt);
        v = 0;
        if (strcmp(failcnt, "events") == 0) {
            if (cg_read_keyed(d, file, "max", &v, err) < 0 && err->errnum != ENOENT)
                return -1;
        } else if (cg_stat_u64(d, file, &v, &has, err) < 0) {
            return -1;
        }
        CG_SET_ALWAYS(&h, failcnt, v);

        keys = realloc(s->hugetlb_keys, (s->hugetlb_len + 1) * sizeof *keys);
        if (keys == NULL)
            return keel_syserror(err, "hugetlb stats");
        s->hugetlb_keys = keys;
        vals = realloc(s->hugetlb, (s->hugetlb_len + 1) * sizeof *vals);
        if (vals == NULL)
            return keel_syserror(err, "hugetlb stats");
        s->hugetlb = vals;
        keys[s->hugetlb_len] = strdup(size);
        if (keys[s->hugetlb_len] == NULL)
            return keel_syserror(err, "hugetlb stats");
        vals[s->hugetlb_len++] = h;
    }
    return 0;
}

int cg_cpuset_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    const struct oci_cpu *c = a->r->cpu;

    if (c == NULL)
        return 0;
    if (c->cpus != NULL && c->cpus[0] != '\0' && cg_write(d, "cpuset.cpus", c->cpus, err) < 0)
        return -1;
    if (c->mems != NULL && c->mems[0] != '\0' && cg_write(d, "cpuset.mems", c->mems, err) < 0)
        return -1;
    return 0;
}

int cg_memory_check_usage(const struct cg_dir *d, const char *usage_file, int64_t limit,
                          keel_err *err)
{
    uint64_t usage = 0;

    if (limit <= 0)
        return 0;
    if (cg_read_u64(d, usage_file, &usage, err) < 0)
        return -1;
    if ((uint64_t)limit < usage)
        return keel_error(err, 0, "%s: memory limit %" PRId64 " is below the current usage %" PRIu64,
                          d->path, limit, usage);
    return 0;
}
