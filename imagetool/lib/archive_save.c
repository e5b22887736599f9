/* Writing a docker-archive / OCI-archive tar. Blobs are entries named
 * blobs/sha256/<hex>; a compressed layer is also written decompressed (its
 * DiffID names it) for docker's manifest.json, which wants layer tars. */
#include "archive_save.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "keel/cleanup.h"
#include "keel/image_spec.h"
#include "ref.h"
#include "stored_image.h"

#define CONTAINERD_IMAGE_NAME "io.containerd.image.name"

struct saver {
    struct store *store;
    struct archive *tar;
    char **written; /* entry names already in the tar */
    size_t nwritten;
};

static bool already_written(struct saver *sv, const char *name)
{
    for (size_t i = 0; i < sv->nwritten; i++)
        if (strcmp(sv->written[i], name) == 0)
            return true;
    return false;
}

static int write_header(struct saver *sv, const char *name, int64_t size, keel_err *err)
{
    struct archive_entry *e = archive_entry_new();
    if (e == NULL || spec_strs_append(&sv->written, &sv->nwritten, name) < 0) {
        archive_entry_free(e);
        return keel_syserror(err, "save %s", name);
    }
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, size);
    int rc = archive_write_header(sv->tar, e);
    archive_entry_free(e);
    if (rc != ARCHIVE_OK)
        return keel_error(err, 0, "save %s: %s", name, archive_error_string(sv->tar));
    return 0;
}

static int write_buffer(struct saver *sv, const char *name, const void *buf, size_t len,
                        keel_err *err)
{
    if (write_header(sv, name, (int64_t)len, err) < 0)
        return -1;
    if (len > 0 && archive_write_data(sv->tar, buf, len) != (la_ssize_t)len)
        return keel_error(err, 0, "save %s: %s", name, archive_error_string(sv->tar));
    return 0;
}

/* Copies fd (size bytes from its start) into the tar as `name`. */
static int write_fd(struct saver *sv, const char *name, int fd, int64_t size, keel_err *err)
{
    if (write_header(sv, name, size, err) < 0)
        return -1;
    static char buf[1 << 20];
    ssize_t n;
    int64_t left = size;
    while (left > 0 && (n = read(fd, buf, sizeof buf)) > 0) {
        if (n > left)
            n = (ssize_t)left;
        if (archive_write_data(sv->tar, buf, (size_t)n) != n)
            return keel_error(err, 0, "save %s: %s", name, archive_error_string(sv->tar));
        left -= n;
    }
    if (left != 0)
        return keel_error(err, EIO, "save %s: the blob is shorter than %lld bytes", name,
                          (long long)size);
    return 0;
}

static int write_blob(struct saver *sv, const char *digest, keel_err *err)
{
    char name[128];
    snprintf(name, sizeof name, "blobs/sha256/%s", digest_hex(digest));
    if (already_written(sv, name))
        return 0;
    cleanup_free char *path = store_blob_path(sv->store, digest, err);
    if (path == NULL)
        return -1;
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return keel_syserror(err, "open blob %s", digest);
    return write_fd(sv, name, fd, st.st_size, err);
}

static bool media_is_compressed(const char *mt)
{
    size_t n = mt != NULL ? strlen(mt) : 0;
    return (n > 5 && strcmp(mt + n - 5, "+gzip") == 0) ||
           (n > 5 && strcmp(mt + n - 5, "+zstd") == 0) ||
           (n > 5 && strcmp(mt + n - 5, ".gzip") == 0) ||
           (n > 5 && strcmp(mt + n - 5, ".zstd") == 0);
}

/* A compressed layer, decompressed into an unlinked temp file (the tar
 * header needs the size first), then written under its DiffID. */
static int write_uncompressed(struct saver *sv, const char *digest, const char *diff_id,
                              keel_err *err)
{
    char name[128];
    snprintf(name, sizeof name, "blobs/sha256/%s", digest_hex(diff_id));
    if (already_written(sv, name))
        return 0;
    cleanup_free char *blob = store_blob_path(sv->store, digest, err);
    cleanup_free char *tmpdir = NULL;
    if (blob == NULL || asprintf(&tmpdir, "%s/tmp", sv->store->root) < 0)
        return blob == NULL ? -1 : keel_syserror(err, "save layer %s", digest);
    cleanup_close int tmp = open(tmpdir, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
    if (tmp < 0)
        return keel_syserror(err, "temp file in %s", tmpdir);

    struct archive *raw = archive_read_new();
    struct archive_entry *e;
    int rc = raw == NULL ? -1 : 0;
    if (rc == 0 && (archive_read_support_filter_gzip(raw) != ARCHIVE_OK ||
                    archive_read_support_filter_zstd(raw) != ARCHIVE_OK ||
                    archive_read_support_format_raw(raw) != ARCHIVE_OK ||
                    archive_read_open_filename(raw, blob, 1 << 20) != ARCHIVE_OK ||
                    archive_read_next_header(raw, &e) != ARCHIVE_OK))
        rc = -1;
    struct digester *d = rc == 0 ? digester_new(err) : NULL;
    int64_t size = 0;
    static char buf[1 << 20];
    la_ssize_t n = 0;
    while (d != NULL && (n = archive_read_data(raw, buf, sizeof buf)) > 0) {
        digester_update(d, buf, (size_t)n);
        if (write(tmp, buf, (size_t)n) != n) {
            n = -2;
            break;
        }
        size += n;
    }
    char got[DIGEST_BUF] = "";
    if (d != NULL)
        digester_final(d, got);
    digester_free(d);
    if (rc < 0 || n == -1)
        rc = keel_error(err, 0, "save layer %s: %s", digest,
                        raw != NULL ? archive_error_string(raw) : "out of memory");
    else if (n == -2)
        rc = keel_syserror(err, "save layer %s: write temp file", digest);
    else if (strcmp(got, diff_id) != 0)
        rc = keel_error(err, 0, "save layer %s: DiffID mismatch: expected %s, got %s", digest,
                        diff_id, got);
    if (raw != NULL)
        archive_read_free(raw);
    if (rc == 0 && lseek(tmp, 0, SEEK_SET) < 0)
        rc = keel_syserror(err, "save layer %s", digest);
    return rc == 0 ? write_fd(sv, name, tmp, size, err) : -1;
}

/* The tag part of a normalized reference ("latest"), or NULL for a digest. */
static char *ref_tag(const char *ref)
{
    struct image_ref r;
    keel_err ignored;
    if (ref_parse(ref, &r, &ignored) < 0)
        return NULL;
    char *tag = r.tag != NULL && r.digest == NULL ? strdup(r.tag) : NULL;
    ref_release(&r);
    return tag;
}

static int save_image(struct saver *sv, const char *ref, struct docker_save_entry *entry,
                      struct oci_descriptor *index_entry, keel_err *err)
{
    struct stored_image img;
    if (stored_image_read(sv->store, ref, &img, err) < 0)
        return -1;
    const struct oci_manifest *m = &img.manifest;
    char name[128];
    int rc = write_blob(sv, img.desc.digest, err);
    if (rc == 0)
        rc = write_blob(sv, m->config->digest, err);
    snprintf(name, sizeof name, "blobs/sha256/%s", digest_hex(m->config->digest));
    if (rc == 0 && ((entry->Config = strdup(name)) == NULL ||
                    (entry->Layers = calloc(1, sizeof(char *))) == NULL))
        rc = keel_syserror(err, "save %s", ref);
    for (size_t i = 0; rc == 0 && i < m->layers_len; i++) {
        const char *diff_id = img.config.rootfs->diff_ids[i];
        rc = write_blob(sv, m->layers[i].digest, err);
        if (rc == 0 && media_is_compressed(m->layers[i].mediaType))
            rc = write_uncompressed(sv, m->layers[i].digest, diff_id, err);
        snprintf(name, sizeof name, "blobs/sha256/%s", digest_hex(diff_id));
        if (rc == 0 && spec_strs_append(&entry->Layers, &entry->Layers_len, name) < 0)
            rc = keel_syserror(err, "save %s", ref);
    }

    /* The names as the store has them: full references. */
    const char *full = store_entry_ref(&img.desc);
    cleanup_free char *tag = full != NULL ? ref_tag(full) : NULL;
    if (rc == 0 && (entry->RepoTags = calloc(1, sizeof(char *))) == NULL)
        rc = keel_syserror(err, "save %s", ref);
    if (rc == 0 && tag != NULL && spec_strs_append(&entry->RepoTags, &entry->RepoTags_len, full) < 0)
        rc = keel_syserror(err, "save %s", ref);
    if (rc == 0) {
        rc = spec_copy(&spec_type_oci_descriptor, index_entry, &img.desc, err);
        if (rc == 0 && full != NULL &&
            (spec_map_set(&index_entry->annotations_keys, &index_entry->annotations,
                          &index_entry->annotations_len, CONTAINERD_IMAGE_NAME, full) < 0 ||
             (tag != NULL && spec_map_set(&index_entry->annotations_keys,
                                          &index_entry->annotations,
                                          &index_entry->annotations_len,
                                          OCI_ANNOTATION_REF_NAME, tag) < 0)))
            rc = keel_syserror(err, "save %s", ref);
    }
    stored_image_release(&img);
    return rc == 0 ? 0 : keel_error_wrap(err, "save %s", ref);
}

static int write_spec(struct saver *sv, const char *name, const struct spec_type *t,
                      const void *obj, keel_err *err)
{
    size_t len;
    cleanup_free char *json = spec_generate(t, obj, false, &len, err);
    if (json == NULL)
        return -1;
    return write_buffer(sv, name, json, len, err);
}

int archive_save(struct store *s, char *const *refs, size_t n, int outfd, keel_err *err)
{
    /* every reference must resolve before a byte is written */
    for (size_t i = 0; i < n; i++) {
        struct oci_descriptor d;
        if (store_resolve(s, refs[i], &d, err) < 0)
            return keel_error_wrap(err, "save");
        spec_release(&spec_type_oci_descriptor, &d);
    }
    struct saver sv = {.store = s, .tar = archive_write_new()};
    struct docker_save_manifest dm = {0};
    struct oci_index idx = {.schemaVersion = 2, .has_schemaVersion = true};
    struct oci_layout layout = {0};
    int rc = 0;
    dm.entries = calloc(n + 1, sizeof *dm.entries);
    idx.manifests = calloc(n + 1, sizeof *idx.manifests);
    layout.imageLayoutVersion = strdup(OCI_LAYOUT_VERSION);
    idx.mediaType = strdup(OCI_MEDIA_INDEX);
    if (sv.tar == NULL || dm.entries == NULL || idx.manifests == NULL ||
        layout.imageLayoutVersion == NULL || idx.mediaType == NULL)
        rc = keel_syserror(err, "save");
    if (rc == 0 && (archive_write_set_format_pax_restricted(sv.tar) != ARCHIVE_OK ||
                    archive_write_set_bytes_in_last_block(sv.tar, 1) != ARCHIVE_OK ||
                    archive_write_open_fd(sv.tar, outfd) != ARCHIVE_OK))
        rc = keel_error(err, 0, "save: %s", archive_error_string(sv.tar));
    if (rc == 0)
        rc = write_spec(&sv, "oci-layout", &spec_type_oci_layout, &layout, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = save_image(&sv, refs[i], &dm.entries[i], &idx.manifests[i], err);
        dm.entries_len = idx.manifests_len = i + 1;
    }
    if (rc == 0)
        rc = write_spec(&sv, "index.json", &spec_type_oci_index, &idx, err);
    if (rc == 0)
        rc = write_spec(&sv, "manifest.json", &spec_type_docker_save_manifest, &dm, err);
    if (rc == 0 && archive_write_close(sv.tar) != ARCHIVE_OK)
        rc = keel_error(err, 0, "save: %s", archive_error_string(sv.tar));
    if (sv.tar != NULL)
        archive_write_free(sv.tar);
    for (size_t i = 0; i < sv.nwritten; i++)
        free(sv.written[i]);
    free(sv.written);
    spec_release(&spec_type_docker_save_manifest, &dm);
    spec_release(&spec_type_oci_index, &idx);
    spec_release(&spec_type_oci_layout, &layout);
    return rc;
}
