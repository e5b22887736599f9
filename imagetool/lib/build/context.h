/* The build context: its directory, its .dockerignore (or the Dockerfile's
 * own FILE.dockerignore), COPY's source selection and the content checksum
 * that goes into a COPY's cache key. */
#ifndef KEEL_BUILD_CONTEXT_H
#define KEEL_BUILD_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "digest.h"
#include "dockerignore.h"
#include "keel/error.h"

struct build_context {
    char *dir; /* NULL: an empty context */
    int fd;    /* the directory, or -1 */
    struct dockerignore ignore;
};

/* Opens dir (NULL: empty); reads DOCKERFILE.dockerignore when it exists, else
 * dir/.dockerignore. */
int context_open(struct build_context *c, const char *dir, const char *dockerfile,
                 keel_err *err);
void context_close(struct build_context *c);

/* A source tree COPY reads: the context (with its ignore rules) or another
 * stage's or image's rootfs (no rules). */
struct filesums;
struct copy_source {
    int rootfd;
    const struct dockerignore *ignore; /* NULL: nothing excluded */
    struct filesums *sums;             /* file digests memo (the context's), or NULL */
};

/* Expands one COPY source (wildcards as Go's filepath.Match per component)
 * into paths relative to the source root, sorted, appended to *out. Nothing
 * matching is docker's "not found" error; a path out of the root is refused. */
int source_select(const struct copy_source *src, const char *pattern, char ***out, size_t *n,
                  keel_err *err);

/* Hashes the selected trees into d: every entry's path, type, mode, owner,
 * size, symlink target and content (never its times). */
int source_checksum(const struct copy_source *src, char *const *paths, size_t n,
                    struct digester *d, keel_err *err);

/* Whether the source excludes a path (relative to its root). */
bool source_excluded(const struct copy_source *src, const char *path);

#endif
