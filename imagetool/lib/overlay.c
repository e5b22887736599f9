/* overlayfs mounts: mount(2) while the options fit in a page, else fsconfig. */
#include "overlay.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "keel/cleanup.h"

/* overlay options: lowerdir lists the top layer first */
static char *overlay_options(char **layers, size_t n, const char *upper, const char *work,
                             bool volatile_upper)
{
    size_t len = 64 + strlen(upper) + strlen(work);
    for (size_t i = 0; i < n; i++)
        len += strlen(layers[i]) + 1;
    char *opts = malloc(len);
    if (opts == NULL)
        return NULL;
    strcpy(opts, "lowerdir=");
    for (size_t i = n; i-- > 0;) {
        strcat(opts, layers[i]);
        if (i > 0)
            strcat(opts, ":");
    }
    snprintf(opts + strlen(opts), len - strlen(opts), ",upperdir=%s,workdir=%s%s", upper, work,
             volatile_upper ? ",volatile" : "");
    return opts;
}

/* The new mount API passes layers one by one ("lowerdir+", Linux 6.8), with no
 * limit on their number. */
static int mount_overlay_fsconfig(char **layers, size_t n, const char *upper, const char *work,
                                  bool volatile_upper, const char *rootfs, keel_err *err)
{
    cleanup_close int fs = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fs < 0)
        return keel_syserror(err, "mount overlay on %s: fsopen", rootfs);
    for (size_t i = n; i-- > 0;)
        if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", layers[i], 0) < 0)
            return keel_syserror(err, "mount overlay on %s: lowerdir+ %s", rootfs, layers[i]);
    if (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
        fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
        (volatile_upper && fsconfig(fs, FSCONFIG_SET_FLAG, "volatile", NULL, 0) < 0) ||
        fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return keel_syserror(err, "mount overlay on %s", rootfs);
    cleanup_close int mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
    if (mnt < 0 || move_mount(mnt, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return keel_syserror(err, "mount overlay on %s", rootfs);
    return 0;
}

int overlay_mount(char **layers, size_t n, const char *upper, const char *work,
                  bool volatile_upper, const char *target, keel_err *err)
{
    cleanup_free char *opts = overlay_options(layers, n, upper, work, volatile_upper);
    if (opts == NULL)
        return keel_syserror(err, "mount overlay on %s", target);
    /* mount(2) takes one page of options: enough for some 40 layers. */
    if (strlen(opts) < (size_t)sysconf(_SC_PAGESIZE))
        return mount("overlay", target, "overlay", 0, opts) < 0
                   ? keel_syserror(err, "mount overlay on %s", target) : 0;
    return mount_overlay_fsconfig(layers, n, upper, work, volatile_upper, target, err);
}
