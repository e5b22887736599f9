/* The file digest memo: an open-addressing table on (dev, ino), saved as
 * text lines "dev ino size mtime.ns ctime.ns sha256:...". */
#include "filesums.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "keel/cleanup.h"
#include "keel/fsutil.h"
#include "util.h"

#define FILESUMS_FILE BUILD_CACHE_DIR "/.filesums"
#define FILESUMS_MAX 200000      /* entries; a full memo stops learning */
#define FILESUMS_FILE_MAX (64u << 20)

struct sum {
    uint64_t dev, ino, size;
    int64_t mtime_s, ctime_s;
    long mtime_ns, ctime_ns;
    char digest[DIGEST_BUF];
    bool used; /* a slot in use */
};

struct filesums {
    struct sum *v;
    size_t cap, n;
    bool changed;
};

static size_t slot_of(const struct filesums *f, uint64_t dev, uint64_t ino)
{
    uint64_t h = (dev * 0x9e3779b97f4a7c15ull) ^ (ino * 0xc2b2ae3d27d4eb4full);
    size_t i = (size_t)(h ^ (h >> 29)) & (f->cap - 1);
    while (f->v[i].used && (f->v[i].dev != dev || f->v[i].ino != ino))
        i = (i + 1) & (f->cap - 1);
    return i;
}

static bool grow(struct filesums *f)
{
    if ((f->n + 1) * 2 <= f->cap)
        return true;
    struct filesums g = {.cap = f->cap ? f->cap * 2 : 1024};
    if ((g.v = calloc(g.cap, sizeof *g.v)) == NULL)
        return false;
    for (size_t i = 0; i < f->cap; i++)
        if (f->v[i].used)
            g.v[slot_of(&g, f->v[i].dev, f->v[i].ino)] = f->v[i];
    free(f->v);
    f->v = g.v;
    f->cap = g.cap;
    return true;
}

static void set(struct filesums *f, const struct sum *s)
{
    if (f->n >= FILESUMS_MAX || !grow(f))
        return; /* a memo, not a record: a full one just stops learning */
    size_t i = slot_of(f, s->dev, s->ino);
    f->n += !f->v[i].used;
    f->v[i] = *s;
    f->v[i].used = true;
}

static void sum_of(const struct stat *st, struct sum *s)
{
    *s = (struct sum){.dev = st->st_dev, .ino = st->st_ino, .size = (uint64_t)st->st_size,
                      .mtime_s = st->st_mtim.tv_sec, .mtime_ns = st->st_mtim.tv_nsec,
                      .ctime_s = st->st_ctim.tv_sec, .ctime_ns = st->st_ctim.tv_nsec};
}

struct filesums *filesums_load(struct store *s)
{
    struct filesums *f = calloc(1, sizeof *f);
    if (f == NULL || !grow(f)) {
        free(f);
        return NULL;
    }
    cleanup_free char *path = path_join(s->root, FILESUMS_FILE);
    cleanup_free char *text = NULL;
    size_t len;
    keel_err ignored;
    if (path == NULL || read_file(path, FILESUMS_FILE_MAX, &text, &len, &ignored) < 0)
        return f;
    for (char *line = text, *next; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        struct sum e = {0};
        if (sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNd64 ".%ld %" SCNd64 ".%ld %71s",
                   &e.dev, &e.ino, &e.size, &e.mtime_s, &e.mtime_ns, &e.ctime_s, &e.ctime_ns,
                   e.digest) == 8 && digest_is_valid(e.digest))
            set(f, &e);
    }
    return f;
}

bool filesums_get(const struct filesums *f, const struct stat *st, char out[DIGEST_BUF])
{
    struct sum want;
    sum_of(st, &want);
    const struct sum *e = &f->v[slot_of(f, want.dev, want.ino)];
    if (!e->used || e->size != want.size || e->mtime_s != want.mtime_s ||
        e->mtime_ns != want.mtime_ns || e->ctime_s != want.ctime_s ||
        e->ctime_ns != want.ctime_ns)
        return false;
    memcpy(out, e->digest, DIGEST_BUF);
    return true;
}

void filesums_put(struct filesums *f, const struct stat *st, const char *digest)
{
    struct sum e;
    sum_of(st, &e);
    snprintf(e.digest, sizeof e.digest, "%s", digest);
    set(f, &e);
    f->changed = true;
}

int filesums_save(struct store *s, struct filesums *f, keel_err *err)
{
    if (!f->changed)
        return 0;
    cleanup_free char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (m == NULL)
        return keel_syserror(err, "build cache: file digests");
    for (size_t i = 0; i < f->cap; i++) {
        const struct sum *e = &f->v[i];
        if (e->used)
            fprintf(m, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRId64 ".%09ld %" PRId64 ".%09ld %s\n",
                    e->dev, e->ino, e->size, e->mtime_s, e->mtime_ns, e->ctime_s, e->ctime_ns,
                    e->digest);
    }
    if (fclose(m) != 0)
        return keel_syserror(err, "build cache: file digests");
    cleanup_free char *dir = path_join(s->root, BUILD_CACHE_DIR);
    cleanup_free char *path = path_join(s->root, FILESUMS_FILE);
    if (dir == NULL || path == NULL || (mkdir(dir, 0700) < 0 && errno != EEXIST))
        return keel_syserror(err, "build cache %s", dir != NULL ? dir : "");
    return write_file_atomic(s, path, text, len, false, err);
}

void filesums_free(struct filesums *f)
{
    if (f == NULL)
        return;
    free(f->v);
    free(f);
}
