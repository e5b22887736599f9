/* maskedPaths and readonlyPaths (config-linux.md), applied after pivot_root. */
#ifndef KEEL_MASKED_H
#define KEEL_MASKED_H

#include <stddef.h>

#include "keel/error.h"

/* Masks each existing path under rootfd: a file by a bind of /dev/null (checked
 * first to be the real character device 1:3, CVE-2025-31133), a directory by
 * a read-only tmpfs. Missing paths are skipped. */
int masked_paths_apply(int rootfd, char *const *paths, size_t n, keel_err *err);

/* Makes each existing path under rootfd read-only: a recursive bind of it on
 * itself, made read-only while detached. Missing paths are skipped. */
int readonly_paths_apply(int rootfd, char *const *paths, size_t n, keel_err *err);

#endif
