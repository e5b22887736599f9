/* Runtime bundles made from stored images: DIR/config.json and DIR/rootfs,
 * an overlay of the store's shared layers under DIR's own upper and work
 * directories (or a private flat copy). */
#ifndef KEEL_IMAGETOOL_BUNDLE_H
#define KEEL_IMAGETOOL_BUNDLE_H

#include <stdbool.h>

#include "bundle_options.h"
#include "keel/error.h"
#include "store.h"

/* The bundle's parts inside its directory. */
#define BUNDLE_ROOTFS "rootfs"
#define BUNDLE_UPPER "upper"
#define BUNDLE_WORK "work"
#define BUNDLE_CONFIG "config.json"

/* The command a bundle runs, for a front end's checks (malloc'd strings). */
struct bundle_command {
    char *arg0, *path; /* process.args[0]; PATH from process.env */
    char *image_id;    /* the image's ID (its config digest), as docker's inspect shows it */
};
void bundle_command_release(struct bundle_command *c);

/* Makes a bundle of `ref` in dir (created; it must not exist or be empty) and
 * records it in the store, its config changed by the options `o` (NULL: none;
 * with o->copy, rootfs is a flat unpack instead of an overlay mount). Fills
 * *command when not NULL. On failure nothing is left. */
int bundle_create(struct store *s, const char *ref, const char *dir,
                  const struct bundle_options *o, struct bundle_command *command, keel_err *err);

/* Unmounts a bundle's rootfs, removes the directory and its store record.
 * Refuses while the rootfs stays mounted (a container still uses it). */
int bundle_delete(struct store *s, const char *dir, keel_err *err);

#endif
