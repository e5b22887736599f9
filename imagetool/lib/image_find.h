/* docker's lookup of an image argument: a name, name:tag or name@digest, the
 * image's ID (its config digest, "sha256:<hex>" or the bare hex), or a unique
 * prefix of that ID. */
#ifndef KEEL_IMAGE_IMAGE_FIND_H
#define KEEL_IMAGE_IMAGE_FIND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "keel/error.h"
#include "store.h"

#define IMAGE_ID_NONE (-1)
#define IMAGE_ID_AMBIGUOUS (-2)

/* Whether arg can only be an ID: "sha256:" and 64 hex digits, or 64 hex digits
 * (docker refuses such a string as a repository name). */
bool image_id_full(const char *arg);
/* Whether arg could be an ID prefix: hex digits, with or without "sha256:". */
bool image_id_like(const char *arg);
/* Which of ids ("sha256:<hex>", NULL entries skipped) arg names as an ID or a
 * prefix of one: its index, IMAGE_ID_NONE or IMAGE_ID_AMBIGUOUS. Several
 * entries with the same ID are one image (the first index is returned). */
ssize_t image_id_match(char *const *ids, size_t n, const char *arg);

/* The image an argument names. */
struct image_found {
    char *id;       /* "sha256:<config hex>" */
    char *manifest; /* the manifest's digest */
    char *ref;      /* the store entry named, or the first naming the ID */
    bool by_id;     /* the argument was the ID or a prefix of it */
    char **refs;    /* every store entry naming this image, in index order */
    char **ref_manifests; /* the manifest digest each of refs names */
    size_t refs_len;
};

/* Finds arg in the store as docker does: a full ID first, then a reference,
 * then an ID prefix. Not found and an ambiguous prefix fail with errnum ENOENT
 * (the message tells them apart). */
int image_find(struct store *s, const char *arg, struct image_found *out, keel_err *err);
void image_found_release(struct image_found *f);

/* Every named store entry with its manifest and config digests (an entry
 * whose manifest cannot be read has id NULL). */
struct image_entries {
    char **refs, **manifests, **ids;
    size_t len;
};
int image_entries_read(struct store *s, struct image_entries *out, keel_err *err);
void image_entries_release(struct image_entries *e);

/* store_resolve that also takes IDs and ID prefixes: the descriptor of the
 * entry image_find picks. */
int image_resolve(struct store *s, const char *arg, struct oci_descriptor *out, keel_err *err);

#endif
