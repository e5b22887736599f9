/* .dockerignore: what of the build context COPY and ADD never see. Patterns
 * as docker's (Go's filepath.Match plus `**` for any number of directories),
 * `!` re-includes, the last matching pattern wins, and a pattern that matches
 * a directory matches everything under it. */
#ifndef KEEL_BUILD_DOCKERIGNORE_H
#define KEEL_BUILD_DOCKERIGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/error.h"

struct ignore_rule {
    char *pattern; /* cleaned, relative to the context */
    bool exclusion; /* "!pattern" */
};

struct dockerignore {
    struct ignore_rule *v;
    size_t n;
};

/* Parses the file's text (comments `#`, blank lines skipped). */
int dockerignore_parse(const char *text, size_t len, struct dockerignore *out, keel_err *err);
void dockerignore_release(struct dockerignore *d);

/* path is relative to the context, without a leading "./" or "/". */
bool dockerignore_excludes(const struct dockerignore *d, const char *path);

/* One pattern against one path (exposed for the tests). */
bool ignore_glob(const char *pattern, const char *path);

#endif
