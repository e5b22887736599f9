/* bundle: an image's rootfs (overlay of the shared layers, or a flat copy)
 * and the runtime config made from its image config. */
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imageconfig_to_spec.h"
#include "keel/cleanup.h"
#include "layer_path.h"
#include "layer_store.h"
#include "stored_image.h"
#include "unpack.h"
#include "util.h"

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

static int rootfs_overlay(struct store *s, const struct stored_image *img, const char *dir,
                          const char *rootfs, bool volatile_upper, keel_err *err)
{
    if (mkdir(rootfs, 0755) < 0)
        return keel_syserror(err, "create %s", rootfs);
    size_t n = img->manifest.layers_len;
    if (n == 0)
        return 0; /* nothing to stack: an empty rootfs */
    char **layers = NULL;
    if (layer_store_ensure(s, img, &layers, err) < 0)
        return -1;
    cleanup_free char *upper = path_join(dir, "/" BUNDLE_UPPER);
    cleanup_free char *work = path_join(dir, "/" BUNDLE_WORK);
    cleanup_free char *opts = upper != NULL && work != NULL
                                  ? overlay_options(layers, n, upper, work, volatile_upper)
                                  : NULL;
    int rc = 0;
    if (opts == NULL || mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0)
        rc = keel_syserror(err, "mount %s", rootfs);
    /* mount(2) takes one page of options: enough for some 40 layers. */
    else if (strlen(opts) < (size_t)sysconf(_SC_PAGESIZE))
        rc = mount("overlay", rootfs, "overlay", 0, opts) < 0
                 ? keel_syserror(err, "mount overlay on %s", rootfs) : 0;
    else
        rc = mount_overlay_fsconfig(layers, n, upper, work, volatile_upper, rootfs, err);
    layer_paths_free(layers, n);
    return rc;
}

/* What a front end checks before it runs the bundle: args[0] and PATH. */
static int command_of(const struct oci_process *p, const char *image_id,
                      struct bundle_command *out, keel_err *err)
{
    const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (size_t i = 0; i < p->env_len; i++)
        if (strncmp(p->env[i], "PATH=", 5) == 0)
            path = p->env[i] + 5;
    if ((out->arg0 = strdup(p->args[0])) == NULL || (out->path = strdup(path)) == NULL ||
        (out->image_id = strdup(image_id)) == NULL)
        return keel_syserror(err, "bundle command");
    return 0;
}

static int write_config(const struct stored_image *img, const struct bundle_options *o,
                        const char *dir, const char *rootfs, struct bundle_command *command,
                        keel_err *err)
{
    cleanup_close int rootfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return keel_syserror(err, "open %s", rootfs);
    struct oci_config cfg;
    if (imageconfig_to_spec(&img->config, o, rootfd, &cfg, err) < 0)
        return keel_error_wrap(err, "runtime config");
    if (command != NULL && command_of(cfg.process, img->manifest.config->digest, command, err) < 0) {
        spec_release(&spec_type_oci_config, &cfg);
        return -1;
    }
    size_t len;
    cleanup_free char *json = spec_generate(&spec_type_oci_config, &cfg, true, &len, err);
    spec_release(&spec_type_oci_config, &cfg);
    if (json == NULL)
        return -1;
    cleanup_free char *tmp = path_join(dir, "/." BUNDLE_CONFIG ".tmp");
    cleanup_free char *path = path_join(dir, "/" BUNDLE_CONFIG);
    if (tmp == NULL || path == NULL)
        return keel_syserror(err, "write config.json");
    cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, json, len) < 0 || write_all(fd, "\n", 1) < 0 ||
        rename(tmp, path) < 0)
        return keel_syserror(err, "write %s", path);
    return 0;
}

void bundle_command_release(struct bundle_command *c)
{
    free(c->arg0);
    free(c->path);
    free(c->image_id);
    c->arg0 = c->path = c->image_id = NULL;
}

int bundle_create(struct store *s, const char *ref, const char *dir,
                  const struct bundle_options *o, struct bundle_command *command, keel_err *err)
{
    struct stored_image img;
    if (stored_image_read(s, ref, &img, err) < 0)
        return -1;
    const struct oci_image_exec_config *ec = img.config.config;
    bool copy = o != NULL && o->copy;
    bool cmd_given = o != NULL && ((o->entrypoint_set && o->entrypoint[0] != '\0') ||
                                   (o->cmd_set && o->cmd_len > 0));
    if (!cmd_given && (ec == NULL || ec->Entrypoint_len + ec->Cmd_len == 0)) {
        /* before any layer is unpacked: the config could not be made anyway */
        stored_image_release(&img);
        return keel_error(err, EINVAL, "bundle %s: the image has neither Entrypoint nor Cmd", ref);
    }
    bool made;
    if (dir_create_empty(dir, &made, err) < 0) {
        stored_image_release(&img);
        return keel_error_wrap(err, "bundle");
    }
    char abs[PATH_MAX];
    cleanup_free char *rootfs = NULL;
    int rc = realpath(dir, abs) != NULL ? 0 : keel_syserror(err, "bundle %s", dir);
    if (rc == 0 && (rootfs = path_join(abs, "/" BUNDLE_ROOTFS)) == NULL)
        rc = keel_syserror(err, "bundle %s", dir);
    if (rc == 0)
        rc = copy ? image_unpack_layers(s, &img, rootfs, err)
                  : rootfs_overlay(s, &img, abs, rootfs, o != NULL && o->volatile_upper, err);
    if (rc == 0)
        rc = write_config(&img, o, abs, rootfs, command, err);
    if (rc == 0)
        rc = store_bundle_add(s, abs, img.desc.digest, !(o != NULL && o->volatile_upper), err);
    stored_image_release(&img);
    if (rc == 0)
        return 0;

    keel_err ignored;
    if (rootfs != NULL && !copy)
        umount2(rootfs, MNT_DETACH);
    if (made) {
        remove_tree_at(AT_FDCWD, dir, &ignored);
    } else {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0)
            remove_tree_contents(fd, dir, &ignored);
    }
    return keel_error_wrap(err, "bundle %s in %s", ref, dir);
}
