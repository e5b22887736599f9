/* Pushing an image from the store to a registry. */
#ifndef KEEL_IMAGE_PUSH_H
#define KEEL_IMAGE_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "keel/error.h"
#include "registry.h"
#include "store.h"

enum push_event {
    PUSH_PREPARING,
    PUSH_EXISTS,  /* the registry had it */
    PUSH_MOUNTED, /* mounted from another repository: `from` names it */
    PUSH_PUSHING,
    PUSH_PUSHED,
};

/* What the command layer hears while a push runs (all calls from one thread). */
struct push_observer {
    void *arg;
    /* The repository pushed to ("127.0.0.1:5000/app") and the number of layers. */
    void (*start)(void *arg, const char *repository, size_t nlayers);
    /* id: the layer's DiffID (docker shows it), else its digest. */
    void (*layer)(void *arg, size_t index, const char *id, int64_t size, enum push_event ev,
                  const char *from);
    void (*progress)(void *arg, size_t index, int64_t done, int64_t total);
};

struct push_opts {
    struct registry_opts registry; /* .push is set by image_push */
    int parallel;                  /* concurrent blob uploads; 0 means 4 */
    int64_t chunk;                 /* chunked uploads above this size; 0: the default */
    const struct push_observer *observer;
};

struct push_result {
    char digest[DIGEST_BUF]; /* of the manifest (or index) sent */
    int64_t size;
    char *tag;               /* the destination's tag, or NULL for a digest reference */
};

/* Pushes the image src names in the store to dst (src when NULL): blobs,
 * then the image manifests, then the index of a multi-platform image. The
 * store is only read, but for records of where blobs now are, written once
 * the push has succeeded. */
int image_push(struct store *s, const char *src, const char *dst, const struct push_opts *o,
               struct push_result *out, keel_err *err);
void push_result_release(struct push_result *r);

#endif
