/* Runtime bundles made from stored images: DIR/config.json and DIR/rootfs,
 * an overlay of the store's shared layers under DIR's own upper and work
 * directories (or a private flat copy). */
#ifndef KEEL_IMAGETOOL_BUNDLE_H
#define KEEL_IMAGETOOL_BUNDLE_H

#include <stdbool.h>

#include "keel/error.h"
#include "store.h"

/* The bundle's parts inside its directory. */
#define BUNDLE_ROOTFS "rootfs"
#define BUNDLE_UPPER "upper"
#define BUNDLE_WORK "work"
#define BUNDLE_CONFIG "config.json"

/* Makes a bundle of `ref` in dir (created; it must not exist or be empty) and
 * records it in the store. With `copy`, rootfs is a flat unpack instead of an
 * overlay mount. On failure nothing is left. */
int bundle_create(struct store *s, const char *ref, const char *dir, bool copy, keel_err *err);

/* Unmounts a bundle's rootfs, removes the directory and its store record.
 * Refuses while the rootfs stays mounted (a container still uses it). */
int bundle_delete(struct store *s, const char *dir, keel_err *err);

#endif
