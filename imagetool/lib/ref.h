/* Image references in docker's syntax, normalized as docker does:
 * "busybox" is docker.io/library/busybox:latest, "host:port/repo:tag",
 * "repo@sha256:...", "repo:tag@sha256:...". */
#ifndef KEEL_IMAGE_REF_H
#define KEEL_IMAGE_REF_H

#include <stdbool.h>

#include "keel/error.h"

#define REF_DEFAULT_DOMAIN "docker.io"
#define REF_DEFAULT_TAG "latest"

struct image_ref {
    char *domain; /* "docker.io", "127.0.0.1:5000", "[::1]:5000" */
    char *path;   /* "library/busybox" */
    char *tag;    /* "latest"; NULL when the reference names only a digest */
    char *digest; /* "sha256:..."; NULL when absent */
};

/* Parses and normalizes s; errors name the reference. On failure *out holds nothing. */
int ref_parse(const char *s, struct image_ref *out, keel_err *err);
void ref_release(struct image_ref *r);
/* "domain/path[:tag][@digest]", malloc'd: the store's name for the image. */
char *ref_string(const struct image_ref *r);
/* "domain/path", malloc'd. */
char *ref_repository(const struct image_ref *r);
/* The host to contact: docker.io's registry is registry-1.docker.io. Static or
 * a pointer into r. */
const char *ref_registry_host(const struct image_ref *r);
/* True for localhost, 127.0.0.0/8 and ::1 (with or without a port): such
 * registries are spoken to over plain HTTP by default. */
bool ref_is_loopback(const struct image_ref *r);

/* Normalizes a reference string in one step ("busybox" -> "docker.io/library/busybox:latest"). */
char *ref_normalize(const char *s, keel_err *err);

#endif
