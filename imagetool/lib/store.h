/* The image store under $root:
 *   oci/          a standard OCI image layout (oci-layout, index.json, blobs/sha256/<hex>);
 *                 each tagged image is an index.json entry whose annotation
 *                 org.opencontainers.image.ref.name is its normalized reference
 *   layers/sha256/<hex of DiffID>/   unpacked layers, shared read-only
 *   bundles/<hex of sha256 of the bundle dir>   one record per live bundle
 *   tmp/          temp files and dirs (same filesystem, so rename is atomic)
 *   sources/sha256/<hex>   the repositories a blob is known to be in ("domain/path"
 *                 lines), for cross-repository mounts on push
 *   lock          flock: shared while a handle is open, exclusive for gc
 *   index.lock    flock: exclusive around each index.json read-modify-write
 * Blobs become visible only by rename after their digest and size are checked,
 * and index.json only ever names complete images, so a process killed at any
 * point leaves a consistent store; its leftovers in tmp/ go at the next gc. */
#ifndef KEEL_IMAGE_STORE_H
#define KEEL_IMAGE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "keel/error.h"
#include "keel/image_spec.h"
#include "keel/image_store.h"

#define STORE_DEFAULT_ROOT "/var/lib/keel"
#define STORE_REF_ANNOTATION OCI_ANNOTATION_REF_NAME
/* Manifests, indexes and configs are read whole; larger ones are refused
 * (4 MiB: the distribution spec's figure, where skopeo and containerd stop). */
#define STORE_DOC_MAX (4u << 20)

enum store_mode {
    STORE_SHARED,    /* every command but gc: may add blobs, layers, tags */
    STORE_EXCLUSIVE, /* gc: nobody else has the store open */
};

struct store {
    char *root; /* absolute */
    int lock_fd;
};

/* Opens the store at root (creating the layout when missing) and takes its
 * lock in the given mode, waiting for it. */
int store_open(struct store *s, const char *root, enum store_mode mode, keel_err *err);
void store_close(struct store *s);

/* $root/oci/blobs/sha256/<hex>, malloc'd; NULL with err set for a bad digest. */
char *store_blob_path(const struct store *s, const char *digest, keel_err *err);
/* The blob is present (and, when size >= 0, has that size). */
bool store_blob_exists(const struct store *s, const char *digest, int64_t size);

/* A blob being written: bytes go to a temp file in $root/tmp and are hashed
 * as they arrive; commit checks digest and size and renames into place. */
struct blob_writer;
/* size < 0: unknown. Writing more than a known size fails at once. */
struct blob_writer *store_blob_create(struct store *s, const char *digest, int64_t size,
                                      keel_err *err);
int blob_writer_write(struct blob_writer *w, const void *buf, size_t len, keel_err *err);
/* Bytes written so far. */
int64_t blob_writer_size(const struct blob_writer *w);
/* Drops what was written, to start the blob again (a retried download). */
int blob_writer_restart(struct blob_writer *w, keel_err *err);
/* Verifies and publishes the blob; frees w either way. A mismatch names the
 * blob, the expected and the actual digest (or size) and leaves no trace. */
int blob_writer_commit(struct blob_writer *w, keel_err *err);
/* The same, giving the blob's digest (a blob whose digest was not known). */
int blob_writer_commit_digest(struct blob_writer *w, char digest_out[DIGEST_BUF], keel_err *err);
/* Removes the temp file and frees w. NULL is fine. */
void blob_writer_abort(struct blob_writer *w);

/* Writes a whole buffer as a blob; its digest goes to digest_out. */
int store_blob_put(struct store *s, const void *buf, size_t len, char digest_out[DIGEST_BUF],
                   keel_err *err);
/* Reads a small blob (at most STORE_DOC_MAX) and verifies its digest (and
 * size when >= 0). *buf is malloc'd and NUL-terminated. */
int store_blob_read(const struct store *s, const char *digest, int64_t size, char **buf,
                    size_t *len, keel_err *err);
/* Reads a blob and parses it as the given spec type, verifying digest and size. */
int store_blob_parse(const struct store *s, const struct spec_type *t, const char *digest,
                     int64_t size, void *out, keel_err *err);

/* The index.json entries. Resolving takes any reference syntax ("busybox"):
 * *out is the entry's descriptor (free with spec_release). A reference that is
 * not in the store fails with errnum ENOENT and names it. */
int store_resolve(struct store *s, const char *ref, struct oci_descriptor *out, keel_err *err);
/* Points ref at desc (an atomic index.json rewrite); desc's blob must exist. */
int store_tag(struct store *s, const char *ref, const struct oci_descriptor *desc, keel_err *err);
/* Removes ref; ENOENT when it is not there. */
int store_untag(struct store *s, const char *ref, keel_err *err);
/* The whole index.json (free with spec_release). */
int store_index_read(struct store *s, struct oci_index *out, keel_err *err);
/* The reference an index entry names, or NULL. */
const char *store_entry_ref(const struct oci_descriptor *d);

/* $root/layers/sha256/<hex of diff_id>, malloc'd. */
char *store_layer_path(const struct store *s, const char *diff_id, keel_err *err);
/* A fresh directory in $root/tmp (mode 0700), malloc'd path. */
char *store_mkdtemp(struct store *s, const char *prefix, keel_err *err);

/* Live bundles: a record per bundle directory naming the image manifest it
 * uses, so that rm refuses the image and gc keeps what it reaches. A record
 * that need not outlive a host crash (a volatile bundle's, which does not
 * either) is written without fsync; one left empty by a crash counts as gone. */
int store_bundle_add(struct store *s, const char *bundle_dir, const char *manifest_digest,
                     bool durable, keel_err *err);
/* Removing a record that is not there is not an error. */
int store_bundle_remove(struct store *s, const char *bundle_dir, keel_err *err);
/* All records (empty ones skipped); free with keel_bundle_records_free. */
int store_bundle_list(struct store *s, struct keel_bundle_record **out, size_t *n, keel_err *err);
void keel_bundle_records_free(struct keel_bundle_record *v, size_t n);

#endif
