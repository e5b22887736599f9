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

#endif
