/* The image-spec documents keel-image's store needs (descriptor.md,
 * image-index.md, manifest.md, config.md, image-layout.md). Docker's manifest
 * list and v2 schema 2 manifest have the same shape as the OCI index and
 * manifest, so the same types read both. Field names are the JSON names. */
#ifndef KEEL_IMAGE_LAYOUT_H
#define KEEL_IMAGE_LAYOUT_H

#include "keel/spec.h"

#define IMG_PLATFORM(X, T) \
    X(T, STR, architecture, "architecture", _) \
    X(T, STR, os, "os", _) \
    X(T, STR, os_version, "os.version", _) \
    X(T, STRS, os_features, "os.features", _) \
    X(T, STR, variant, "variant", _) \
    X(T, STRS, features, "features", _)
SPEC_DECLARE(img_platform, IMG_PLATFORM)

#define IMG_DESCRIPTOR(X, T) \
    X(T, STR, mediaType, "mediaType", _) \
    X(T, STR, digest, "digest", _) \
    X(T, I64, size, "size", _) \
    X(T, STRS, urls, "urls", _) \
    X(T, MAP, annotations, "annotations", _) \
    X(T, STR, data, "data", _) \
    X(T, OBJ, platform, "platform", img_platform) \
    X(T, STR, artifactType, "artifactType", _)
SPEC_DECLARE(img_descriptor, IMG_DESCRIPTOR)

/* An OCI image index or a Docker manifest list (also index.json). */
#define IMG_INDEX(X, T) \
    X(T, I32, schemaVersion, "schemaVersion", _) \
    X(T, STR, mediaType, "mediaType", _) \
    X(T, STR, artifactType, "artifactType", _) \
    X(T, OBJS, manifests, "manifests", img_descriptor) \
    X(T, OBJ, subject, "subject", img_descriptor) \
    X(T, MAP, annotations, "annotations", _)
SPEC_DECLARE(img_index, IMG_INDEX)

/* An OCI image manifest or a Docker v2 schema 2 manifest. */
#define IMG_MANIFEST(X, T) \
    X(T, I32, schemaVersion, "schemaVersion", _) \
    X(T, STR, mediaType, "mediaType", _) \
    X(T, STR, artifactType, "artifactType", _) \
    X(T, OBJ, config, "config", img_descriptor) \
    X(T, OBJS, layers, "layers", img_descriptor) \
    X(T, OBJ, subject, "subject", img_descriptor) \
    X(T, MAP, annotations, "annotations", _)
SPEC_DECLARE(img_manifest, IMG_MANIFEST)

/* Enough of any manifest-like document to tell what it is (schema 1 included). */
#define IMG_VERSIONED(X, T) \
    X(T, I32, schemaVersion, "schemaVersion", _) \
    X(T, STR, mediaType, "mediaType", _)
SPEC_DECLARE(img_versioned, IMG_VERSIONED)

#define IMG_HEALTHCHECK(X, T) \
    X(T, STRS, Test, "Test", _) \
    X(T, I64, Interval, "Interval", _) \
    X(T, I64, Timeout, "Timeout", _) \
    X(T, I64, StartPeriod, "StartPeriod", _) \
    X(T, I64, StartInterval, "StartInterval", _) \
    X(T, I32, Retries, "Retries", _)
SPEC_DECLARE(img_healthcheck, IMG_HEALTHCHECK)

#define IMG_EXEC_CONFIG(X, T) \
    X(T, STR, User, "User", _) \
    X(T, SET, ExposedPorts, "ExposedPorts", _) \
    X(T, STRS, Env, "Env", _) \
    X(T, STRS, Entrypoint, "Entrypoint", _) \
    X(T, STRS, Cmd, "Cmd", _) \
    X(T, SET, Volumes, "Volumes", _) \
    X(T, STR, WorkingDir, "WorkingDir", _) \
    X(T, MAP, Labels, "Labels", _) \
    X(T, STR, StopSignal, "StopSignal", _) \
    X(T, BOOL, ArgsEscaped, "ArgsEscaped", _) \
    X(T, OBJ, Healthcheck, "Healthcheck", img_healthcheck) \
    X(T, STRS, OnBuild, "OnBuild", _) \
    X(T, STRS, Shell, "Shell", _)
SPEC_DECLARE(img_exec_config, IMG_EXEC_CONFIG)

#define IMG_ROOTFS(X, T) \
    X(T, STR, type, "type", _) \
    X(T, STRS, diff_ids, "diff_ids", _)
SPEC_DECLARE(img_rootfs, IMG_ROOTFS)

#define IMG_HISTORY(X, T) \
    X(T, STR, created, "created", _) \
    X(T, STR, created_by, "created_by", _) \
    X(T, STR, author, "author", _) \
    X(T, STR, comment, "comment", _) \
    X(T, BOOL, empty_layer, "empty_layer", _)
SPEC_DECLARE(img_history, IMG_HISTORY)

/* The image configuration (config.md; docker's has the same fields). */
#define IMG_CONFIG(X, T) \
    X(T, STR, created, "created", _) \
    X(T, STR, author, "author", _) \
    X(T, STR, architecture, "architecture", _) \
    X(T, STR, os, "os", _) \
    X(T, STR, os_version, "os.version", _) \
    X(T, STRS, os_features, "os.features", _) \
    X(T, STR, variant, "variant", _) \
    X(T, OBJ, config, "config", img_exec_config) \
    X(T, OBJ, rootfs, "rootfs", img_rootfs) \
    X(T, OBJS, history, "history", img_history)
SPEC_DECLARE(img_config, IMG_CONFIG)

/* oci-layout */
#define IMG_LAYOUT(X, T) \
    X(T, STR, imageLayoutVersion, "imageLayoutVersion", _)
SPEC_DECLARE(img_layout, IMG_LAYOUT)

#define MEDIA_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MEDIA_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MEDIA_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MEDIA_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MEDIA_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define MEDIA_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MEDIA_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define MEDIA_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"
#define MEDIA_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MEDIA_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define MEDIA_DOCKER_FOREIGN_LAYER "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"

#endif
