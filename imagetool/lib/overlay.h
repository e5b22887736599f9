/* overlayfs mounts of stored layers under an upper directory. */
#ifndef KEEL_IMAGETOOL_OVERLAY_H
#define KEEL_IMAGETOOL_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/error.h"

/* Mounts on target an overlay of layers (bottom first) under upper and work;
 * `volatile` skips syncing the upper layer. Any number of layers: past one
 * page of mount options the new mount API takes them one by one. */
int overlay_mount(char **layers, size_t n, const char *upper, const char *work,
                  bool volatile_upper, const char *target, keel_err *err);

#endif
