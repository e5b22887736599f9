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

#include "bundle_staging.h"
#include "imageconfig_to_spec.h"
#include "keel/cleanup.h"
#include "layer_path.h"
#include "layer_shadow.h"
#include "layer_store.h"
#include "overlay.h"
#include "stored_image.h"
#include "unpack.h"
#include "util.h"

/* rootfs_overlay's answer for an image whose layers an overlay would show
 * otherwise than unpack applies them (layer_shadow.h): a flat copy is made. */
#define ROOTFS_NEEDS_COPY 1

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
    bool shadow;
    if (layers_shadow_links(layers, n, &shadow, err) < 0 || shadow) {
        layer_paths_free(layers, n);
        return shadow ? ROOTFS_NEEDS_COPY : -1;
    }
    cleanup_free char *upper = path_join(dir, "/" BUNDLE_UPPER);
    cleanup_free char *work = path_join(dir, "/" BUNDLE_WORK);
    int rc = 0;
    if (upper == NULL || work == NULL || mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0)
        rc = keel_syserror(err, "mount %s", rootfs);
    else
        rc = overlay_mount(layers, n, upper, work, volatile_upper, rootfs, err);
    layer_paths_free(layers, n);
    return rc;
}

/* What a front end checks before it runs the bundle: args[0] and PATH
 * (the command after --init's "docker-init --"), and the image's ID. */
static int command_of(const struct oci_process *p, bool init, const char *image_id,
                      struct bundle_command *out, keel_err *err)
{
    const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (size_t i = 0; i < p->env_len; i++)
        if (strncmp(p->env[i], "PATH=", 5) == 0)
            path = p->env[i] + 5;
    if ((out->arg0 = strdup(p->args[init && p->args_len > 2 ? 2 : 0])) == NULL ||
        (out->path = strdup(path)) == NULL || (out->image_id = strdup(image_id)) == NULL)
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
    if (command != NULL && command_of(cfg.process, o != NULL && o->init != NULL,
                                      img->manifest.config->digest, command, err) < 0) {
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
    struct bundle_staging st;
    if (bundle_staging_begin(dir, &st, err) < 0) {
        stored_image_release(&img);
        return keel_error_wrap(err, "bundle");
    }
    /* built at st.dir, recorded under its final name, renamed there last */
    cleanup_free char *rootfs = path_join(st.dir, "/" BUNDLE_ROOTFS);
    int rc = rootfs != NULL ? 0 : keel_syserror(err, "bundle %s", dir);
    if (rc == 0 && !copy)
        rc = rootfs_overlay(s, &img, st.dir, rootfs, o != NULL && o->volatile_upper, err);
    if (rc == ROOTFS_NEEDS_COPY || (rc == 0 && copy))
        rc = image_unpack_layers(s, &img, rootfs, err);
    if (rc == 0)
        rc = write_config(&img, o, st.dir, rootfs, command, err);
    if (rc == 0)
        rc = store_bundle_add(s, st.final, img.desc.digest, !(o != NULL && o->volatile_upper), err);
    bool recorded = rc == 0;
    if (rc == 0)
        rc = bundle_staging_commit(&st, err);
    stored_image_release(&img);
    if (rc == 0)
        return 0;
    if (recorded)
        store_bundle_remove(s, st.final, &(keel_err){0}); /* the first error is the one to report */
    bundle_staging_abort(&st);
    return keel_error_wrap(err, "bundle %s in %s", ref, dir);
}
