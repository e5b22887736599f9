/* keel-image build: a Dockerfile and its context to an image in the store,
 * daemonless, each RUN on Keel's runtime, with BuildKit's cache rules. */
#ifndef KEEL_BUILD_BUILDER_H
#define KEEL_BUILD_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "digest.h"
#include "keel/error.h"
#include "store.h"

struct build_opts {
    const char *context;    /* directory; NULL: an empty context (Dockerfile from stdin) */
    const char *dockerfile; /* path; NULL: CONTEXT/Dockerfile */
    const char *dockerfile_text; /* the Dockerfile itself (read from stdin), or NULL */
    /* CONTEXT "-": this fd holds a Dockerfile, or a tar of the context (plain,
     * gzip or zstd) whose Dockerfile is `dockerfile` inside it; else -1 */
    int stdin_fd;
    char **tags;            /* -t */
    size_t ntags;
    char **build_args;      /* K=V, or K (the value from the environment) */
    size_t nbuild_args;
    char **labels;          /* K=V */
    size_t nlabels;
    const char *target;
    bool no_cache, pull;
    const char *network;    /* "host" (the default) or "none" */
    const char *runtime;    /* the keel binary */
    int64_t epoch;          /* SOURCE_DATE_EPOCH, or -1 */
    FILE *progress;         /* step headers and RUN output; NULL: quiet */
};

/* Builds; the image ID (its config digest) goes to id_out. A failed step
 * leaves no bundle, mount, container or temp layer; the cache keeps the
 * steps that succeeded. */
int image_build(struct store *s, const struct build_opts *o, char id_out[DIGEST_BUF],
                keel_err *err);

/* keel-image commit: a bundle's writable layer (its overlay upper directory)
 * on top of its image, the config changed by Dockerfile instructions
 * (`changes`: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME,
 * WORKDIR, STOPSIGNAL), tagged ref (NULL: untagged). */
struct commit_opts {
    char **changes;
    size_t nchanges;
    const char *message, *author;
};
int image_commit(struct store *s, const char *bundle, const char *ref,
                 const struct commit_opts *o, char id_out[DIGEST_BUF], keel_err *err);

/* Forgets every build cache record ($root/buildcache/); the layers only
 * they kept go at the next gc (which the store must be open exclusively for). */
int build_cache_prune(struct store *s, size_t *removed, keel_err *err);

/* What the build cache holds: its records and the bytes of the layers they
 * name (blob and unpacked copy; a layer an image also uses counts too) and of
 * the cache mounts. */
struct build_cache_usage {
    size_t records;
    long long bytes;
};
int build_cache_usage(struct store *s, struct build_cache_usage *u, keel_err *err);

#endif
