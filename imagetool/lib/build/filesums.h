/* A memo of file content digests keyed by what changes when a file does
 * (device, inode, size, mtime and ctime, as git's index keys its stat data),
 * so a rebuild checksums only the context files that changed. Kept in
 * $root/buildcache/.filesums; a lost or damaged memo only costs re-reading. */
#ifndef KEEL_BUILD_FILESUMS_H
#define KEEL_BUILD_FILESUMS_H

#include <stdbool.h>
#include <sys/stat.h>

#include "digest.h"
#include "keel/error.h"
#include "store.h"

struct filesums;

/* Loads the memo (empty when there is none or it cannot be read). NULL only
 * when out of memory. */
struct filesums *filesums_load(struct store *s);
/* The digest recorded for a file with exactly this stat, if any. */
bool filesums_get(const struct filesums *f, const struct stat *st, char out[DIGEST_BUF]);
void filesums_put(struct filesums *f, const struct stat *st, const char *digest);
/* Writes the memo back (atomically) if it changed. */
int filesums_save(struct store *s, struct filesums *f, keel_err *err);
void filesums_free(struct filesums *f);

#endif
