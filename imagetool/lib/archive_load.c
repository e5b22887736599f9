/* The archive is extracted (as untrusted input: with the layer applier's
 * path rules) into a directory in $root/tmp, then its blobs go through the
 * blob writer and its tags into index.json. */
#include "archive_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "keel/cleanup.h"
#include "keel/image_spec.h"
#include "layer_path.h"
#include "unpack.h"

#define CONTAINERD_IMAGE_NAME "io.containerd.image.name"

struct loader {
    struct store *store;
    int dirfd; /* the extracted archive */
    archive_loaded_fn *loaded;
    void *ctx;
};

/* Digest of a file in the archive (a first pass when the name does not say it). */
static int file_digest(int fd, char out[DIGEST_BUF], keel_err *err)
{
    struct digester *d = digester_new(err);
    if (d == NULL)
        return -1;
    static char buf[1 << 20];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        digester_update(d, buf, (size_t)n);
    digester_final(d, out);
    digester_free(d);
    if (n < 0 || lseek(fd, 0, SEEK_SET) < 0)
        return keel_syserror(err, "read");
    return 0;
}

/* Stores the archive file at `path` as a blob: its digest is `expect` when
 * the layout names it so (then verified), else computed. */
static int put_file(struct loader *l, const char *path, const char *expect,
                    char digest[DIGEST_BUF], int64_t *size, keel_err *err)
{
    cleanup_close int fd = root_open_file(l->dirfd, path, err);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return fd < 0 ? -1 : keel_syserror(err, "stat %s", path);
    *size = st.st_size;
    if (expect != NULL)
        snprintf(digest, DIGEST_BUF, "%s", expect);
    else if (file_digest(fd, digest, err) < 0)
        return keel_error_wrap(err, "%s", path);
    if (store_blob_exists(l->store, digest, st.st_size))
        return 0;
    struct blob_writer *w = store_blob_create(l->store, digest, st.st_size, err);
    if (w == NULL)
        return -1;
    static char buf[1 << 20];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        if (blob_writer_write(w, buf, (size_t)n, err) < 0) {
            blob_writer_abort(w);
            return -1;
        }
    }
    if (n < 0) {
        blob_writer_abort(w);
        return keel_syserror(err, "read %s", path);
    }
    return blob_writer_commit(w, err);
}

static bool file_exists(struct loader *l, const char *path)
{
    keel_err ignored;
    int fd = root_open_file(l->dirfd, path, &ignored);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

static int parse_file(struct loader *l, const char *path, const struct spec_type *t, void *out,
                      keel_err *err)
{
    cleanup_close int fd = root_open_file(l->dirfd, path, err);
    if (fd < 0)
        return -1;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (spec_parse_file(t, proc, out, err) < 0)
        return keel_error_wrap(err, "%s", path);
    return 0;
}

static int tag(struct loader *l, const char *ref, const struct oci_descriptor *desc,
               keel_err *err)
{
    if (store_tag(l->store, ref, desc, err) < 0)
        return -1;
    if (l->loaded != NULL)
        l->loaded(ref, desc->digest, l->ctx);
    return 0;
}

/* OCI layout: every blob under blobs/sha256 (its name is its digest), then
 * the named entries of index.json. */
static int load_oci(struct loader *l, keel_err *err)
{
    cleanup_close int bfd = root_open_dir(l->dirfd, "blobs/sha256", O_RDONLY, false, err);
    if (bfd < 0)
        return -1;
    cleanup_dir DIR *d = fdopendir(steal_fd(bfd));
    if (d == NULL)
        return keel_syserror(err, "read blobs/sha256");
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[512], expect[300], digest[DIGEST_BUF];
        snprintf(path, sizeof path, "blobs/sha256/%s", de->d_name);
        snprintf(expect, sizeof expect, "sha256:%s", de->d_name);
        int64_t size;
        if (digest_validate(expect, err) < 0 || put_file(l, path, expect, digest, &size, err) < 0)
            return keel_error_wrap(err, "blob %s", path);
    }

    struct oci_index idx;
    if (parse_file(l, "index.json", &spec_type_oci_index, &idx, err) < 0)
        return -1;
    int rc = 0;
    size_t tagged = 0;
    for (size_t i = 0; rc == 0 && i < idx.manifests_len; i++) {
        const struct oci_descriptor *m = &idx.manifests[i];
        const char *name = spec_map_get(m->annotations_keys, m->annotations, m->annotations_len,
                                        CONTAINERD_IMAGE_NAME);
        if (name == NULL)
            name = spec_map_get(m->annotations_keys, m->annotations, m->annotations_len,
                                OCI_ANNOTATION_REF_NAME);
        if (name == NULL)
            continue;
        /* the store's entry carries its own annotations, not the archive's */
        struct oci_descriptor plain = {.mediaType = m->mediaType, .digest = m->digest,
                                       .size = m->size, .has_size = m->has_size};
        rc = tag(l, name, &plain, err);
        tagged++;
    }
    spec_release(&spec_type_oci_index, &idx);
    if (rc == 0 && tagged == 0)
        return keel_error(err, EINVAL, "index.json names no image (no %s annotation)",
                          OCI_ANNOTATION_REF_NAME);
    return rc;
}

static const char *layer_media_type(struct loader *l, const char *path)
{
    keel_err ignored;
    cleanup_close int fd = root_open_file(l->dirfd, path, &ignored);
    unsigned char magic[4] = {0};
    if (fd >= 0 && read(fd, magic, sizeof magic) == (ssize_t)sizeof magic) {
        if (magic[0] == 0x1f && magic[1] == 0x8b)
            return OCI_MEDIA_LAYER_GZIP;
        if (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
            return OCI_MEDIA_LAYER_ZSTD;
    }
    return OCI_MEDIA_LAYER_TAR;
}

/* The digest a docker archive path names, if it is blobs/sha256/<hex>. */
static const char *named_digest(const char *path, char buf[DIGEST_BUF])
{
    if (strncmp(path, "blobs/sha256/", 13) != 0)
        return NULL;
    snprintf(buf, DIGEST_BUF, "sha256:%s", path + 13);
    return digest_is_valid(buf) ? buf : NULL;
}

static int set_descriptor(struct oci_descriptor *d, const char *media, const char *digest,
                          int64_t size)
{
    d->mediaType = strdup(media);
    d->digest = strdup(digest);
    d->size = size;
    d->has_size = true;
    return d->mediaType != NULL && d->digest != NULL ? 0 : -1;
}

/* One manifest.json entry: config and layers as blobs, an OCI manifest made
 * for them, and its tags. */
static int load_docker_entry(struct loader *l, const struct docker_save_entry *e, keel_err *err)
{
    if (e->Config == NULL)
        return keel_error(err, EINVAL, "manifest.json: an entry without Config");
    struct oci_manifest m = {.schemaVersion = 2, .has_schemaVersion = true};
    char digest[DIGEST_BUF], named[DIGEST_BUF];
    int64_t size;
    int rc = put_file(l, e->Config, named_digest(e->Config, named), digest, &size, err);
    if (rc == 0 && ((m.mediaType = strdup(OCI_MEDIA_MANIFEST)) == NULL ||
                    (m.config = calloc(1, sizeof *m.config)) == NULL ||
                    (m.layers = calloc(e->Layers_len + 1, sizeof *m.layers)) == NULL ||
                    set_descriptor(m.config, OCI_MEDIA_CONFIG, digest, size) < 0))
        rc = keel_syserror(err, "manifest for %s", e->Config);
    for (size_t i = 0; rc == 0 && i < e->Layers_len; i++) {
        rc = put_file(l, e->Layers[i], named_digest(e->Layers[i], named), digest, &size, err);
        if (rc == 0 && set_descriptor(&m.layers[m.layers_len++],
                                      layer_media_type(l, e->Layers[i]), digest, size) < 0)
            rc = keel_syserror(err, "manifest for %s", e->Config);
    }
    size_t len = 0;
    cleanup_free char *json = rc == 0 ? spec_generate(&spec_type_oci_manifest, &m, false, &len,
                                                      err) : NULL;
    spec_release(&spec_type_oci_manifest, &m);
    if (json == NULL || store_blob_put(l->store, json, len, digest, err) < 0)
        return -1;

    struct oci_descriptor desc = {0};
    if (set_descriptor(&desc, OCI_MEDIA_MANIFEST, digest, (int64_t)len) < 0) {
        spec_release(&spec_type_oci_descriptor, &desc);
        return keel_syserror(err, "manifest for %s", e->Config);
    }
    for (size_t i = 0; rc == 0 && i < e->RepoTags_len; i++)
        rc = tag(l, e->RepoTags[i], &desc, err);
    if (rc == 0 && e->RepoTags_len == 0 && l->loaded != NULL)
        l->loaded(NULL, digest, l->ctx);
    spec_release(&spec_type_oci_descriptor, &desc);
    return rc;
}

static int load_docker(struct loader *l, keel_err *err)
{
    struct docker_save_manifest dm;
    if (parse_file(l, "manifest.json", &spec_type_docker_save_manifest, &dm, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < dm.entries_len; i++)
        rc = load_docker_entry(l, &dm.entries[i], err);
    spec_release(&spec_type_docker_save_manifest, &dm);
    return rc;
}

int archive_load(struct store *s, int fd, const char *name, archive_loaded_fn *loaded, void *ctx,
                 keel_err *err)
{
    cleanup_free char *tmp = store_mkdtemp(s, "load", err);
    if (tmp == NULL) {
        close(fd);
        return -1;
    }
    struct loader l = {.store = s, .loaded = loaded, .ctx = ctx};
    l.dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;
    if (l.dirfd < 0) {
        close(fd);
        rc = keel_syserror(err, "open %s", tmp);
    } else {
        rc = layer_apply(l.dirfd, fd, name, LAYER_FLAT, NULL, NULL, err);
    }
    if (rc == 0) {
        if (file_exists(&l, "index.json") && file_exists(&l, "oci-layout"))
            rc = load_oci(&l, err);
        else if (file_exists(&l, "manifest.json"))
            rc = load_docker(&l, err);
        else
            rc = keel_error(err, EINVAL, "neither an OCI layout (index.json) nor a docker "
                                         "archive (manifest.json)");
        if (rc < 0)
            keel_error_wrap(err, "load %s", name);
    }
    if (l.dirfd >= 0)
        close(l.dirfd);
    keel_err ignored;
    remove_tree_at(AT_FDCWD, tmp, &ignored);
    return rc;
}
