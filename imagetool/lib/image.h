/* Operations on whole images in the store: removal, listing, inspection. */
#ifndef KEEL_IMAGE_IMAGE_H
#define KEEL_IMAGE_IMAGE_H

#include <stdbool.h>

#include "keel/error.h"
#include "store.h"

/* Untags ref. Unless force, refuses when the image is the last reference to a
 * manifest that a live bundle uses (naming the bundle). */
int image_remove(struct store *s, const char *ref, bool force, keel_err *err);

/* A bundle record is live while its bundle directory exists. */
bool bundle_is_live(const struct keel_bundle_record *r);

/* One summary per reference in index.json, in its order (free with
 * spec_release(&spec_type_keel_image_list, ...)). An image whose manifest or
 * config cannot be read is still listed, with what is known. */
int image_list(struct store *s, struct keel_image_list *out, keel_err *err);

/* The reference's manifest, config and layers (with their DiffIDs and
 * unpacked directories). */
int image_inspect(struct store *s, const char *ref, struct keel_image_inspect *out, keel_err *err);

/* What gc found unreachable (and removed unless dry_run). */
struct gc_report {
    void (*removed)(void *arg, const char *what, const char *name, long long bytes);
    void *arg;
    long long bytes;
    size_t blobs, layers, records, sources, temps;
};

/* Removes every blob and unpacked layer that no reference and no live bundle
 * reaches, the records of bundles that are gone, and leftovers in tmp/. The
 * store must be open STORE_EXCLUSIVE. */
int image_gc(struct store *s, bool dry_run, struct gc_report *rep, keel_err *err);

#endif
