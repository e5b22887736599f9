/* Mount stubs: the directories and empty files a runtime creates in a rootfs
 * as mount points (/proc, /dev/pts, a RUN --mount target) are not the step's
 * changes; as BuildKit's stub cleaner does, those that did not exist before
 * the step and are still empty after it are removed before the upper
 * directory becomes a layer. */
#ifndef KEEL_BUILD_STUBS_H
#define KEEL_BUILD_STUBS_H

#include <stddef.h>

#include "keel/error.h"

struct mount_stubs {
    char **paths; /* the first missing component of each destination */
    size_t n;
};

/* Records, for each destination (absolute paths in the rootfs open on
 * rootfd), its first component that does not exist yet. */
int stubs_record(struct mount_stubs *s, int rootfd, char *const *dests, size_t n,
                 keel_err *err);
/* Removes the recorded paths that hold nothing but empty directories and
 * empty files. */
void stubs_remove(const struct mount_stubs *s, int rootfd);
void stubs_release(struct mount_stubs *s);

#endif
