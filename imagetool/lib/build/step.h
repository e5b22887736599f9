/* A step that may make a layer (RUN, COPY, ADD, WORKDIR): the stage's layers
 * mounted as an overlay under a fresh upper directory in $root/tmp, the work
 * done in it, and the upper directory turned into the next layer. Cached
 * steps run nothing. */
#ifndef KEEL_BUILD_STEP_H
#define KEEL_BUILD_STEP_H

#include "state.h"

struct step_fs {
    char *dir;    /* $root/tmp/build-XXXXXX: rootfs/, upper/, work/ */
    char *rootfs; /* the overlay mount */
    char *upper;
    int rootfd;   /* rootfs, open */
    bool mounted;
};

/* Mounts the stage's rootfs in a fresh step directory. */
int step_fs_mount(struct builder *b, const struct stage_image *st, struct step_fs *fs,
                  keel_err *err);
/* Unmounts and removes everything the step made. Safe to call twice. */
void step_fs_release(struct step_fs *fs);

/* The work of a step, in the mounted fs. */
typedef int step_fn(struct builder *b, struct stage_image *st, struct step_fs *fs, void *arg,
                    keel_err *err);

/* Runs a layer step: `key` (the instruction as substituted, plus what else
 * decides its result) extends the stage's cache key; a record for it is
 * taken as is (CACHED) unless --no-cache; otherwise fn runs in a mounted
 * step fs and its upper directory becomes a layer (none if it is empty).
 * `header` is the step's progress line, created_by its history entry. */
int layer_step(struct builder *b, struct stage_image *st, const char *key, size_t key_len,
               const char *header, const char *created_by, step_fn *fn, void *arg,
               keel_err *err);

/* Mounts the rootfs COPY --from=`from` reads: an earlier stage (by name or
 * number) or an image (pulled when missing). */
int builder_source_fs(struct builder *b, const char *from, struct step_fs *fs, keel_err *err);

/* The stage's layers as directories in the store, bottom first (free with
 * layer_paths_free). */
int stage_layer_paths(struct builder *b, const struct stage_image *st, char ***out,
                      keel_err *err);

#endif
