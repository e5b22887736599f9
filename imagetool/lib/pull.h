/* Pulling an image from a registry into the store. */
#ifndef KEEL_IMAGE_PULL_H
#define KEEL_IMAGE_PULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "keel/error.h"
#include "registry.h"
#include "store.h"

enum pull_event {
    PULL_BLOB_PRESENT, /* already in the store: not downloaded */
    PULL_BLOB_START,
    PULL_BLOB_DONE,
};

/* What the command layer hears while a pull runs (all calls from one thread). */
struct pull_observer {
    void *arg;
    /* The manifest chosen: its digest and the layers to come. */
    void (*resolved)(void *arg, const char *ref, const char *digest, size_t nlayers);
    /* kind is "config" or "layer". */
    void (*blob)(void *arg, size_t index, const char *kind, const char *digest, int64_t size,
                 enum pull_event ev);
    void (*progress)(void *arg, size_t index, int64_t done, int64_t total);
};

struct pull_opts {
    const char *platform; /* "os/arch[/variant]", or NULL for the host's */
    struct registry_opts registry;
    int parallel;         /* concurrent layer downloads; 0 means 4 */
    const struct pull_observer *observer;
};

/* Pulls ref (docker's syntax) and tags it in the store; the image manifest's
 * digest goes to digest_out. Blobs already present are not fetched again.
 * Killed at any point, the store stays consistent and a new pull finishes. */
int image_pull(struct store *s, const char *ref, const struct pull_opts *o,
               char digest_out[DIGEST_BUF], keel_err *err);

#endif
