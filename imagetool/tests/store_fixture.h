/* A store in a fresh temp dir, opened shared, for the suites that test one. */
#ifndef KEEL_STORE_FIXTURE_H
#define KEEL_STORE_FIXTURE_H

#include "digest.h"
#include "store.h"

#define STORE_FIXTURE_ROOT_MAX 64

void store_fixture_open(char root[STORE_FIXTURE_ROOT_MAX], struct store *st);
void store_fixture_close(const char *root, struct store *st);

/* An image with one layer "layer-<layer_name>" (its DiffID is the digest of
 * "diff-<layer_name>", unpacked as a directory holding one file), tagged as
 * name; its digests go to manifest, layer and diff. Images of the same
 * layer_name share their layer and config, hence their ID. */
void store_fixture_image(struct store *st, const char *name, const char *layer_name,
                         char manifest[DIGEST_BUF], char layer[DIGEST_BUF], char diff[DIGEST_BUF]);

#endif
