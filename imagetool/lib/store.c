/* Opening the store: its layout, its lock, and the paths inside it. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "lock.h"
#include "util.h"

static const char *const layout_dirs[] = {
    "", "/oci", "/oci/blobs", "/oci/blobs/sha256", "/layers", "/layers/sha256", "/bundles", "/tmp",
    "/sources", "/sources/sha256",
};

static int create_layout(const char *root, keel_err *err)
{
    for (size_t i = 0; i < sizeof layout_dirs / sizeof layout_dirs[0]; i++) {
        cleanup_free char *dir = path_join(root, layout_dirs[i]);
        if (dir == NULL)
            return keel_syserror(err, "create store %s", root);
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
            return keel_syserror(err, "create store directory %s", dir);
    }
    return 0;
}

/* oci-layout and index.json, written once when missing. */
static int create_layout_files(struct store *s, keel_err *err)
{
    cleanup_free char *layout = path_join(s->root, "/oci/oci-layout");
    cleanup_free char *index = path_join(s->root, "/oci/index.json");
    if (layout == NULL || index == NULL)
        return keel_syserror(err, "create store %s", s->root);
    if (access(layout, F_OK) < 0) {
        struct oci_layout l = {.imageLayoutVersion = (char *)"1.0.0"};
        if (write_spec_file(s, layout, &spec_type_oci_layout, &l, true, err) < 0)
            return -1;
    }
    if (access(index, F_OK) < 0) {
        cleanup_free char *lock = path_join(s->root, "/index.lock");
        if (lock == NULL)
            return keel_syserror(err, "create store %s", s->root);
        cleanup_close int fd = lock_file(lock, true, err);
        if (fd < 0)
            return -1;
        if (access(index, F_OK) == 0)
            return 0;
        struct oci_index idx = {.schemaVersion = 2, .has_schemaVersion = true,
                                .mediaType = (char *)"application/vnd.oci.image.index.v1+json"};
        idx.manifests = (struct oci_descriptor[1]){{0}}; /* "manifests": [] */
        return write_spec_file(s, index, &spec_type_oci_index, &idx, true, err);
    }
    return 0;
}

int store_open(struct store *s, const char *root, enum store_mode mode, keel_err *err)
{
    s->lock_fd = -1;
    s->root = NULL;
    if (create_layout(root, err) < 0)
        return -1;
    s->root = realpath(root, NULL);
    if (s->root == NULL)
        return keel_syserror(err, "store %s", root);
    cleanup_free char *lock = path_join(s->root, "/lock");
    if (lock == NULL) {
        store_close(s);
        return keel_syserror(err, "open store %s", root);
    }
    s->lock_fd = lock_file(lock, mode == STORE_EXCLUSIVE, err);
    if (s->lock_fd < 0 || create_layout_files(s, err) < 0) {
        store_close(s);
        return -1;
    }
    return 0;
}

void store_close(struct store *s)
{
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    s->lock_fd = -1;
    free(s->root);
    s->root = NULL;
}

char *store_blob_path(const struct store *s, const char *digest, keel_err *err)
{
    if (digest_validate(digest, err) < 0)
        return NULL;
    char *p = NULL;
    if (asprintf(&p, "%s/oci/blobs/sha256/%s", s->root, digest_hex(digest)) < 0) {
        keel_syserror(err, "blob %s", digest);
        return NULL;
    }
    return p;
}

bool store_blob_exists(const struct store *s, const char *digest, int64_t size)
{
    cleanup_free char *p = store_blob_path(s, digest, NULL);
    struct stat st;
    return p != NULL && stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
           (size < 0 || st.st_size == size);
}

char *store_layer_path(const struct store *s, const char *diff_id, keel_err *err)
{
    if (digest_validate(diff_id, err) < 0) {
        keel_error_wrap(err, "layer");
        return NULL;
    }
    char *p = NULL;
    if (asprintf(&p, "%s/layers/sha256/%s", s->root, digest_hex(diff_id)) < 0) {
        keel_syserror(err, "layer %s", diff_id);
        return NULL;
    }
    return p;
}

char *store_mkdtemp(struct store *s, const char *prefix, keel_err *err)
{
    char *p = NULL;
    if (asprintf(&p, "%s/tmp/%s-XXXXXX", s->root, prefix) < 0) {
        keel_syserror(err, "temp dir in %s/tmp", s->root);
        return NULL;
    }
    if (mkdtemp(p) == NULL) {
        keel_syserror(err, "create temp dir %s", p);
        free(p);
        return NULL;
    }
    return p;
}
