/* Blob provenance records: small append-only files, one per blob. */
#include "blob_source.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keel/cleanup.h"

static char *record_path(const struct store *s, const char *digest)
{
    char *p = NULL;
    if (!digest_is_valid(digest) ||
        asprintf(&p, "%s/sources/sha256/%s", s->root, digest_hex(digest)) < 0)
        return NULL;
    return p;
}

/* Calls each(line, arg) for the record's lines until it returns true. */
static bool scan(const char *path, bool (*each)(const char *line, void *arg), void *arg)
{
    cleanup_fclose FILE *f = fopen(path, "re");
    if (f == NULL)
        return false;
    char line[1024];
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (each(line, arg))
            return true;
    }
    return false;
}

static bool same(const char *line, void *arg)
{
    return strcmp(line, arg) == 0;
}

int blob_source_add(struct store *s, const char *digest, const char *repository, keel_err *err)
{
    cleanup_free char *path = record_path(s, digest);
    if (path == NULL)
        return keel_error(err, 0, "blob source record for %s", digest);
    if (scan(path, same, (void *)repository))
        return 0;
    cleanup_close int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return keel_syserror(err, "open %s", path);
    /* one write(2) of a short line: concurrent appends do not interleave */
    cleanup_free char *line = NULL;
    int n = asprintf(&line, "%s\n", repository);
    if (n < 0)
        return keel_syserror(err, "blob source record for %s", digest);
    if (write(fd, line, (size_t)n) != n)
        return keel_syserror(err, "write %s", path);
    return 0;
}

struct find {
    const char *domain, *except;
    char *found;
};

static bool other_repo(const char *line, void *arg)
{
    struct find *f = arg;
    size_t n = strlen(f->domain);
    if (strncmp(line, f->domain, n) != 0 || line[n] != '/' || strcmp(line + n + 1, f->except) == 0)
        return false;
    f->found = strdup(line + n + 1);
    return f->found != NULL;
}

char *blob_source_find(struct store *s, const char *digest, const char *domain,
                       const char *except)
{
    cleanup_free char *path = record_path(s, digest);
    struct find f = {.domain = domain, .except = except};
    if (path != NULL)
        scan(path, other_repo, &f);
    return f.found;
}
