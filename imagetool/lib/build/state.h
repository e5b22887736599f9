/* What the builder's parts share: the build, each stage's image as it grows,
 * and the variables in scope. */
#ifndef KEEL_BUILD_STATE_H
#define KEEL_BUILD_STATE_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>

#include "builder.h"
#include "context.h"
#include "dockerfile.h"
#include "keel/image_spec.h"
#include "stages.h"
#include "substitute.h"

/* NAME=VALUE pairs in declaration order; value NULL: declared, no value. */
struct vars {
    char **names, **values;
    size_t n;
};
int vars_set(struct vars *v, const char *name, const char *value);
/* The entry's index, or -1. */
int vars_find(const struct vars *v, const char *name);
void vars_release(struct vars *v);

/* A stage's image so far. */
struct stage_image {
    struct oci_image_config cfg; /* config and rootfs always present */
    struct oci_descriptor *layers;
    size_t nlayers;
    char key[DIGEST_BUF]; /* the cache key of the last step */
    struct vars args;     /* ARGs declared in the stage, with their values */
    bool cmd_set;         /* a CMD in this stage (ENTRYPOINT then keeps it) */
    bool built;
};

struct builder {
    struct store *s;
    const struct build_opts *o;
    const char *dfname;
    const char *context, *dockerfile; /* the options', or a context read from stdin */
    char *stdin_dir;                  /* that context's temp directory, or NULL */
    char *owned_dockerfile;           /* -f inside it */
    struct dockerfile df;
    struct build_plan plan;
    struct stage_image *stages;
    struct vars globals;    /* ARGs before the first FROM */
    struct vars build_args; /* --build-arg, values resolved */
    struct build_context ctx;
    struct filesums *sums;  /* the context's file digests memo */
    int step;
    size_t cur;             /* the stage being built */
    size_t pos, count;      /* its step number and step count (for "[2/5]") */
    char created[40];       /* the history's timestamp */
    struct vars declared;   /* every ARG name declared, for the unconsumed warning */
};

/* docker's predefined args (HTTP_PROXY, ...): usable in RUN without an ARG,
 * kept out of the cache key. NULL-terminated. */
extern const char *const build_proxy_args[];

/* Set by SIGINT or SIGTERM during a build: the running step stops, its
 * container is deleted, nothing of it stays. */
extern volatile sig_atomic_t build_interrupted;

/* Variable lookup for substitution in the current stage: ENV wins over ARG. */
struct subst builder_subst(struct builder *b);
/* The stage's Env value of NAME, or NULL. */
const char *stage_env(const struct stage_image *st, const char *name);
/* Sets NAME=VALUE in the stage's Env. */
int stage_env_set(struct stage_image *st, const char *name, const char *value);

/* Adds a history entry (created_by, empty_layer) to the stage's config. */
int stage_history(struct builder *b, struct stage_image *st, const char *created_by,
                  bool empty_layer, keel_err *err);
/* Folds text into the stage's cache key. */
void stage_key_add(struct stage_image *st, const char *text, size_t len);

/* Config-only instructions (ENV LABEL EXPOSE USER VOLUME STOPSIGNAL
 * HEALTHCHECK SHELL ONBUILD CMD ENTRYPOINT ARG MAINTAINER). */
int instr_config(struct builder *b, struct stage_image *st, const struct df_instr *in,
                 keel_err *err);
bool instr_is_config(const char *keyword);

/* ARG in scope `scope`: the value is --build-arg's, else the default, else
 * (in a stage) the global ARG's; globals is NULL for the ARGs before FROM. */
int arg_declare(struct builder *b, const struct subst *sub, const struct df_instr *in,
                struct vars *scope, const struct vars *globals, keel_err *err);

/* Steps that make a layer: RUN, COPY/ADD, WORKDIR (which may). */
int instr_run(struct builder *b, struct stage_image *st, const struct df_instr *in, keel_err *err);
int instr_copy(struct builder *b, struct stage_image *st, const struct df_instr *in,
               keel_err *err);
int instr_workdir(struct builder *b, struct stage_image *st, const struct df_instr *in,
                  keel_err *err);

/* Step headers and output, docker's plain progress. */
void progress_step(struct builder *b, const char *text);
void progress_line(struct builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void progress_done(struct builder *b, bool cached, double seconds);

#endif
