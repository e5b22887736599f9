/* keel-image's own documents: bundle records in the store and the JSON that
 * `keel-image ls --format json` and `keel-image inspect` print. */
#ifndef KEEL_IMAGE_STORE_SPEC_H
#define KEEL_IMAGE_STORE_SPEC_H

#include "keel/image_spec.h"
#include "keel/spec.h"

/* $root/bundles/<hex>: a live bundle and the image manifest it was made from. */
#define KEEL_BUNDLE_RECORD(X, T) \
    X(T, STR, path, "path", _) \
    X(T, STR, manifest, "manifest", _)
SPEC_DECLARE(keel_bundle_record, KEEL_BUNDLE_RECORD)

/* One image in `ls --format json`. content_size is docker's measure of an
 * image: the bytes of its unpacked layers' regular files (absent while a
 * layer is not unpacked). */
#define KEEL_IMAGE_SUMMARY(X, T) \
    X(T, STR, reference, "reference", _) \
    X(T, STR, id, "id", _) \
    X(T, STR, digest, "digest", _) \
    X(T, I64, size, "size", _) \
    X(T, I64, content_size, "content_size", _) \
    X(T, STR, created, "created", _) \
    X(T, STR, platform, "platform", _) \
    X(T, MAP, labels, "labels", _)
SPEC_DECLARE(keel_image_summary, KEEL_IMAGE_SUMMARY)

/* What `resolve ARG` prints: the image an argument names as docker reads it. */
#define KEEL_IMAGE_MATCH(X, T) \
    X(T, STR, id, "id", _) \
    X(T, STR, manifest, "manifest", _) \
    X(T, STR, reference, "reference", _) \
    X(T, BOOL, by_id, "by_id", _) \
    X(T, STRS, references, "references", _)
SPEC_DECLARE(keel_image_match, KEEL_IMAGE_MATCH)

/* The array `ls --format json` prints. */
#define KEEL_IMAGE_LIST(X, T) \
    X(T, OBJS, images, "images", keel_image_summary)
SPEC_DECLARE(keel_image_list, KEEL_IMAGE_LIST)

/* A layer in `inspect`: its blob, DiffID and unpacked directory (when unpacked). */
#define KEEL_IMAGE_LAYER(X, T) \
    X(T, STR, digest, "digest", _) \
    X(T, STR, mediaType, "mediaType", _) \
    X(T, I64, size, "size", _) \
    X(T, STR, diff_id, "diff_id", _) \
    X(T, STR, unpacked, "unpacked", _) \
    X(T, I64, content_size, "content_size", _)
SPEC_DECLARE(keel_image_layer, KEEL_IMAGE_LAYER)

/* What `inspect REF` prints. */
#define KEEL_IMAGE_INSPECT(X, T) \
    X(T, STR, reference, "reference", _) \
    X(T, STR, id, "id", _) \
    X(T, STR, digest, "digest", _) \
    X(T, STR, mediaType, "mediaType", _) \
    X(T, I64, size, "size", _) \
    X(T, OBJ, manifest, "manifest", oci_manifest) \
    X(T, OBJ, config, "config", oci_image_config) \
    X(T, OBJS, layers, "layers", keel_image_layer)
SPEC_DECLARE(keel_image_inspect, KEEL_IMAGE_INSPECT)

#endif
