/* The OCI image-spec documents as C types (descriptor, platform, manifest,
 * index, image config, oci-layout) with Docker's extras, plus `docker save`'s
 * manifest.json. Docker's manifest v2 schema 2 and manifest list are the same
 * shapes as the OCI manifest and index (manifest-v2-2.md) and use these types;
 * the media type tells them apart. See keel/spec.h for what each kind becomes. */
#ifndef KEEL_IMAGE_SPEC_H
#define KEEL_IMAGE_SPEC_H

#include "keel/spec.h"

/* --- media types (image-spec media-types.md, docker manifest-v2-2.md) ------ */
#define OCI_MEDIA_DESCRIPTOR "application/vnd.oci.descriptor.v1+json"
#define OCI_MEDIA_LAYOUT_HEADER "application/vnd.oci.layout.header.v1+json"
#define OCI_MEDIA_INDEX "application/vnd.oci.image.index.v1+json"
#define OCI_MEDIA_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_MEDIA_CONFIG "application/vnd.oci.image.config.v1+json"
#define OCI_MEDIA_EMPTY "application/vnd.oci.empty.v1+json"
#define OCI_MEDIA_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"
#define OCI_MEDIA_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define OCI_MEDIA_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
/* deprecated non-distributable layers: like foreign layers, never pushed */
#define OCI_MEDIA_LAYER_NONDIST_TAR "application/vnd.oci.image.layer.nondistributable.v1.tar"
#define OCI_MEDIA_LAYER_NONDIST_GZIP "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
#define OCI_MEDIA_LAYER_NONDIST_ZSTD "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"

#define DOCKER_MEDIA_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define DOCKER_MEDIA_MANIFEST_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
/* schema 1, unsigned and signed: recognised only to be refused */
#define DOCKER_MEDIA_MANIFEST_V1 "application/vnd.docker.distribution.manifest.v1+json"
#define DOCKER_MEDIA_MANIFEST_V1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"
#define DOCKER_MEDIA_CONFIG "application/vnd.docker.container.image.v1+json"
#define DOCKER_MEDIA_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define DOCKER_MEDIA_LAYER_FOREIGN_GZIP "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
/* what buildkit writes for uncompressed and zstd layers in docker manifests */
#define DOCKER_MEDIA_LAYER_TAR "application/vnd.docker.image.rootfs.diff.tar"
#define DOCKER_MEDIA_LAYER_ZSTD "application/vnd.docker.image.rootfs.diff.tar.zstd"
#define DOCKER_MEDIA_PLUGIN_CONFIG "application/vnd.docker.plugin.v1+json"

/* annotations.md's pre-defined keys Keel reads and writes */
#define OCI_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"
#define OCI_ANNOTATION_CREATED "org.opencontainers.image.created"
#define OCI_ANNOTATION_BASE_NAME "org.opencontainers.image.base.name"
#define OCI_ANNOTATION_BASE_DIGEST "org.opencontainers.image.base.digest"

/* The oci-layout file's only version. */
#define OCI_LAYOUT_VERSION "1.0.0"

/* --- descriptor and platform ---------------------------------------------- */

/* os.version, os.features and variant per image-index.md; `features` is
 * Docker's manifest list extra. */
#define OCI_PLATFORM(X, T) \
    X(T, STR, architecture, "architecture", _) \
    X(T, STR, os, "os", _) \
    X(T, STR, os_version, "os.version", _) \
    X(T, STRS, os_features, "os.features", _) \
    X(T, STR, variant, "variant", _) \
    X(T, STRS, features, "features", _)
SPEC_DECLARE(oci_platform, OCI_PLATFORM)

/* descriptor.md; `platform` is only meaningful in an index's manifests[].
 * `data` is the base64 text as written (decode it before use). */
#define OCI_DESCRIPTOR(X, T) \
    X(T, STR, mediaType, "mediaType", _) \
    X(T, STR, digest, "digest", _) \
    X(T, I64, size, "size", _) \
    X(T, STRS, urls, "urls", _) \
    X(T, MAP, annotations, "annotations", _) \
    X(T, STR, data, "data", _) \
    X(T, STR, artifactType, "artifactType", _) \
    X(T, OBJ, platform, "platform", oci_platform)
SPEC_DECLARE(oci_descriptor, OCI_DESCRIPTOR)

/* --- manifest and index (and Docker's v2s2 manifest and manifest list) ----- */

#define OCI_MANIFEST(X, T) \
    X(T, I32, schemaVersion, "schemaVersion", _) \
    X(T, STR, mediaType, "mediaType", _) \
    X(T, STR, artifactType, "artifactType", _) \
    X(T, OBJ, config, "config", oci_descriptor) \
    X(T, OBJS, layers, "layers", oci_descriptor) \
    X(T, OBJ, subject, "subject", oci_descriptor) \
    X(T, MAP, annotations, "annotations", _)
SPEC_DECLARE(oci_manifest, OCI_MANIFEST)

#define OCI_INDEX(X, T) \
    X(T, I32, schemaVersion, "schemaVersion", _) \
    X(T, STR, mediaType, "mediaType", _) \
    X(T, STR, artifactType, "artifactType", _) \
    X(T, OBJS, manifests, "manifests", oci_descriptor) \
    X(T, OBJ, subject, "subject", oci_descriptor) \
    X(T, MAP, annotations, "annotations", _)
SPEC_DECLARE(oci_index, OCI_INDEX)

/* The oci-layout file at the root of an image layout (image-layout.md). */
#define OCI_LAYOUT(X, T) \
    X(T, STR, imageLayoutVersion, "imageLayoutVersion", _)
SPEC_DECLARE(oci_layout, OCI_LAYOUT)

/* --- image config (image-spec config.md and Docker's image JSON) ----------- */

/* Docker's container.HealthConfig; durations are nanoseconds. */
#define DOCKER_HEALTHCHECK(X, T) \
    X(T, STRS, Test, "Test", _) \
    X(T, I64, Interval, "Interval", _) \
    X(T, I64, Timeout, "Timeout", _) \
    X(T, I64, StartPeriod, "StartPeriod", _) \
    X(T, I64, StartInterval, "StartInterval", _) \
    X(T, I32, Retries, "Retries", _)
SPEC_DECLARE(docker_healthcheck, DOCKER_HEALTHCHECK)

/* The execution parameters ("config" in the image config). The OCI fields
 * first, then what Docker writes besides (its container config, also found as
 * the legacy "container_config"). */
#define OCI_IMAGE_EXEC_CONFIG(X, T) \
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
    X(T, STR, Hostname, "Hostname", _) \
    X(T, STR, Domainname, "Domainname", _) \
    X(T, BOOL, AttachStdin, "AttachStdin", _) \
    X(T, BOOL, AttachStdout, "AttachStdout", _) \
    X(T, BOOL, AttachStderr, "AttachStderr", _) \
    X(T, BOOL, Tty, "Tty", _) \
    X(T, BOOL, OpenStdin, "OpenStdin", _) \
    X(T, BOOL, StdinOnce, "StdinOnce", _) \
    X(T, OBJ, Healthcheck, "Healthcheck", docker_healthcheck) \
    X(T, STR, Image, "Image", _) \
    X(T, BOOL, NetworkDisabled, "NetworkDisabled", _) \
    X(T, STR, MacAddress, "MacAddress", _) \
    X(T, STRS, OnBuild, "OnBuild", _) \
    X(T, I32, StopTimeout, "StopTimeout", _) \
    X(T, STRS, Shell, "Shell", _) \
    X(T, I64, Memory, "Memory", _) \
    X(T, I64, MemorySwap, "MemorySwap", _) \
    X(T, I64, CpuShares, "CpuShares", _)
SPEC_DECLARE(oci_image_exec_config, OCI_IMAGE_EXEC_CONFIG)

#define OCI_IMAGE_ROOTFS(X, T) \
    X(T, STR, type, "type", _) \
    X(T, STRS, diff_ids, "diff_ids", _)
SPEC_DECLARE(oci_image_rootfs, OCI_IMAGE_ROOTFS)

#define OCI_IMAGE_HISTORY(X, T) \
    X(T, STR, created, "created", _) \
    X(T, STR, author, "author", _) \
    X(T, STR, created_by, "created_by", _) \
    X(T, STR, comment, "comment", _) \
    X(T, BOOL, empty_layer, "empty_layer", _)
SPEC_DECLARE(oci_image_history, OCI_IMAGE_HISTORY)

/* The image config blob; the last six fields are Docker's legacy extras. */
#define OCI_IMAGE_CONFIG(X, T) \
    X(T, STR, created, "created", _) \
    X(T, STR, author, "author", _) \
    X(T, STR, architecture, "architecture", _) \
    X(T, STR, variant, "variant", _) \
    X(T, STR, os, "os", _) \
    X(T, STR, os_version, "os.version", _) \
    X(T, STRS, os_features, "os.features", _) \
    X(T, OBJ, config, "config", oci_image_exec_config) \
    X(T, OBJ, rootfs, "rootfs", oci_image_rootfs) \
    X(T, OBJS, history, "history", oci_image_history) \
    X(T, STR, id, "id", _) \
    X(T, STR, parent, "parent", _) \
    X(T, STR, comment, "comment", _) \
    X(T, STR, container, "container", _) \
    X(T, OBJ, container_config, "container_config", oci_image_exec_config) \
    X(T, STR, docker_version, "docker_version", _)
SPEC_DECLARE(oci_image_config, OCI_IMAGE_CONFIG)

/* --- docker save / docker load: manifest.json -------------------------------- */

/* One image in the archive: paths inside the tar for Config and Layers, and
 * the descriptors of foreign layers keyed by their diff ID. */
#define DOCKER_SAVE_ENTRY(X, T) \
    X(T, STR, Config, "Config", _) \
    X(T, STRS, RepoTags, "RepoTags", _) \
    X(T, STRS, Layers, "Layers", _) \
    X(T, OBJMAP, LayerSources, "LayerSources", oci_descriptor)
SPEC_DECLARE(docker_save_entry, DOCKER_SAVE_ENTRY)

/* The document is a JSON array of entries (SPEC_DEFINE_AS(..., true)). */
#define DOCKER_SAVE_MANIFEST(X, T) \
    X(T, OBJS, entries, "entries", docker_save_entry)
SPEC_DECLARE(docker_save_manifest, DOCKER_SAVE_MANIFEST)

#endif
