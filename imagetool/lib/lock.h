/* flock(2) on a lock file, waiting for it. */
#ifndef KEEL_IMAGE_LOCK_H
#define KEEL_IMAGE_LOCK_H

#include <stdbool.h>

#include "keel/error.h"

/* Opens (creating) path and locks it, shared or exclusive; returns the fd
 * that holds the lock (close it to release). */
int lock_file(const char *path, bool exclusive, keel_err *err);

#endif
