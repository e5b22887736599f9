/* Opening paths inside a container root so that no symlink or ".." in it can
 * lead outside: openat2(RESOLVE_IN_ROOT), or a component walk that does the
 * same where openat2 is missing or where missing parts must be created. */
#ifndef KEEL_PATH_RESOLVE_H
#define KEEL_PATH_RESOLVE_H

#include "keel/error.h"

enum path_flags {
    PATH_CREATE_DIR = 1 << 0,  /* create missing directories, the last one included */
    PATH_CREATE_FILE = 1 << 1, /* create missing parents, the last component as an empty file */
    PATH_NO_OPENAT2 = 1 << 2,  /* always walk (for tests, and kernels without openat2) */
    PATH_NO_FOLLOW = 1 << 3,   /* do not follow a symlink in the last component */
};

/* Opens `path` (absolute or not, always taken from the root) under rootfd as an
 * O_PATH|O_CLOEXEC fd. Symlinks and ".." resolve as if rootfd were "/"; with
 * PATH_CREATE_* the missing parts (also a dangling symlink's target) are made
 * inside the root, directories 0755 and files 0644 (less the umask).
 * Returns the fd, or -1 with err set; err->errnum is ENOENT when the path
 * does not exist and nothing was to be created. Errors name `path`. */
int path_open_in_root(int rootfd, const char *path, unsigned flags, keel_err *err);

/* Like path_open_in_root, but opens the parent directory of path's last
 * component (creating it with PATH_CREATE_DIR) and copies that last component
 * into name (size bytes). For mknod/symlink creation of the last component. */
int path_open_parent_in_root(int rootfd, const char *path, unsigned flags, char *name,
                             size_t size, keel_err *err);

#endif
