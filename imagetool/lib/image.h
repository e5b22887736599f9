/* Operations on whole images in the store: removal, listing, inspection. */
#ifndef KEEL_IMAGE_IMAGE_H
#define KEEL_IMAGE_IMAGE_H

#include <stdbool.h>

#include "digest.h"
#include "keel/error.h"
#include "store.h"

/* What rm did, in docker's order: each reference untagged, then (with the
 * last reference) the image ID and each layer chain ID no other image shares. */
struct rm_report {
    void (*untagged)(void *arg, const char *ref);
    void (*deleted)(void *arg, const char *digest);
    void *arg;
};

/* Removes what arg names (see image_find): a reference is untagged; an ID
 * untags all its references, which needs force when there are several.
 * Unless force, refuses (EBUSY) to drop the last reference to a manifest that
 * a live bundle uses (naming the bundle). rep may be NULL. */
int image_remove(struct store *s, const char *arg, bool force, const struct rm_report *rep,
                 keel_err *err);

/* Layer chain IDs (docker's): the first DiffID, then
 * sha256(chain[i-1] + " " + diff_ids[i]). */
void image_chain_ids(char *const *diff_ids, size_t n, char (*out)[DIGEST_BUF]);

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
