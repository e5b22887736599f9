/* The build cache: $root/buildcache/<hex of the step's key>, a one-line
 * record of the layer the step made ("-" for none), so a later build with the
 * same key takes the layer instead of running the step. */
#ifndef KEEL_BUILD_CACHE_H
#define KEEL_BUILD_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "digest.h"
#include "keel/error.h"
#include "store.h"

struct cache_record {
    bool empty;               /* the step changed nothing: no layer */
    char diff_id[DIGEST_BUF];
    char digest[DIGEST_BUF];
    int64_t size;
    char created[40];         /* when the step first ran */
};

#define BUILD_CACHE_DIR "/buildcache"
/* RUN --mount=type=cache directories, one per id */
#define BUILD_MOUNTS_DIR "/buildmounts"

/* 1 with *out filled when the key has a record whose layer is still in the
 * store, 0 when not. */
int cache_lookup(struct store *s, const char *key, struct cache_record *out);
int cache_store(struct store *s, const char *key, const struct cache_record *r, keel_err *err);

/* Calls fn for each record's layer (gc keeps them). */
int cache_each_layer(struct store *s, void (*fn)(void *arg, const char *diff_id,
                                                 const char *digest), void *arg, keel_err *err);

#endif
