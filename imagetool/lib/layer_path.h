/* Paths from untrusted layers, kept inside the directory they unpack into. */
#ifndef KEEL_IMAGETOOL_LAYER_PATH_H
#define KEEL_IMAGETOOL_LAYER_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/error.h"

/* Cleans a tar member name into a path relative to the target: a leading "/"
 * or "./" and "." components go, "a/../b" becomes "b", a trailing "/" goes;
 * the target itself is "". Returns -1 when a ".." climbs above the target
 * (errno EPERM) or the result does not fit in outsz (ENAMETOOLONG). */
int layer_path_clean(const char *name, char *out, size_t outsz);

/* Splits a cleaned path at its last "/": *dir gets the parent ("" for the
 * target), the returned pointer the last component. `buf` (the cleaned path)
 * is modified in place. */
const char *layer_path_split(char *buf, const char **dir);

/* Opens directory `path` (cleaned) under rootfd with every symlink on the way
 * resolved as if rootfd were "/" (openat2 RESOLVE_IN_ROOT), so that nothing
 * outside rootfd is reachable. `flags` are open flags (O_PATH or O_RDONLY);
 * when `create` is set, missing directories are made with mode 0755. */
int root_open_dir(int rootfd, const char *path, int flags, bool create, keel_err *err);

/* Removes `name` in dirfd, a directory with everything in it; never follows a
 * symlink. A missing name is not an error. */
int remove_tree_at(int dirfd, const char *name, keel_err *err);

/* Removes everything inside the directory open on dfd (consumed), which
 * `name` names in errors. */
int remove_tree_contents(int dfd, const char *name, keel_err *err);

/* Makes `dir` (mode 0755), or checks that it is an empty directory; *made
 * says which. */
int dir_create_empty(const char *dir, bool *made, keel_err *err);
/* Checks that `dir` is an empty directory. */
int dir_check_empty(const char *dir, keel_err *err);

/* Opens regular file `path` under rootfd for reading, resolved inside it;
 * anything but a regular file is an error. */
int root_open_file(int rootfd, const char *path, keel_err *err);

#endif
