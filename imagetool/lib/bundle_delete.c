/* unbundle: the overlay unmounted, the directory and its record gone. */
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_staging.h"
#include "keel/cleanup.h"
#include "layer_path.h"
#include "util.h"

int bundle_delete(struct store *s, const char *dir, keel_err *err)
{
    char abs[PATH_MAX];
    if (realpath(dir, abs) == NULL)
        return keel_syserror(err, "unbundle %s", dir);
    cleanup_free char *config = path_join(abs, "/" BUNDLE_CONFIG);
    cleanup_free char *rootfs = path_join(abs, "/" BUNDLE_ROOTFS);
    if (config == NULL || rootfs == NULL)
        return keel_syserror(err, "unbundle %s", dir);
    struct stat st;
    if (stat(config, &st) < 0)
        return keel_syserror(err, "unbundle %s: not a bundle: %s", dir, config);

    if (umount2(rootfs, UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
        return keel_syserror(err, "unbundle %s: unmount %s", dir, rootfs);
    /* Never descend into a rootfs that is still mounted: that would delete
     * the shared layers' files. */
    struct stat top, fs;
    if (stat(abs, &top) == 0 && stat(rootfs, &fs) == 0 && top.st_dev != fs.st_dev)
        return keel_error(err, EBUSY, "unbundle %s: %s is still mounted", dir, rootfs);

    /* config.json last: an unbundle killed on the way leaves a bundle that
     * the next unbundle still recognises */
    static const char *const parts[] = {BUNDLE_ROOTFS, BUNDLE_UPPER, BUNDLE_WORK};
    cleanup_close int dfd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return keel_syserror(err, "unbundle %s", dir);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (remove_tree_at(dfd, parts[i], err) < 0)
            return keel_error_wrap(err, "unbundle %s", dir);
    if (remove_tree_at(AT_FDCWD, abs, err) < 0)
        return keel_error_wrap(err, "unbundle %s", dir);
    if (store_bundle_remove(s, abs, err) < 0)
        return keel_error_wrap(err, "unbundle %s", dir);
    /* and what bundles killed on the way left beside it */
    *strrchr(abs, '/') = '\0';
    bundle_staging_sweep(abs[0] != '\0' ? abs : "/");
    return 0;
}
