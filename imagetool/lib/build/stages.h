/* The stage graph of a multi-stage Dockerfile: each FROM starts a stage, based
 * on an image, `scratch` or an earlier stage; COPY --from and RUN
 * --mount=from= add edges. Only the stages the target needs are built. */
#ifndef KEEL_BUILD_STAGES_H
#define KEEL_BUILD_STAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "dockerfile.h"
#include "substitute.h"

struct build_stage {
    char *name;        /* AS name, lower case, or NULL */
    size_t from;       /* index of its FROM in the Dockerfile */
    size_t end;        /* one past its last instruction */
    char *base;        /* FROM's image after substitution ("scratch" included) */
    int base_stage;    /* the earlier stage it builds on, or -1 */
    char *platform;    /* --platform, substituted, or NULL */
    bool needed;
};

struct build_plan {
    struct build_stage *v;
    size_t n;
    size_t target;
};

/* Splits df into stages, substituting FROM lines with `globals` (the ARGs
 * before the first FROM), and marks what `target` (a stage name; NULL: the
 * last stage) needs. Errors name the file and line. */
int build_plan_make(const struct dockerfile *df, const char *file, const struct subst *globals,
                    const char *target, struct build_plan *out, keel_err *err);
void build_plan_release(struct build_plan *p);

/* The stage `ref` names (its AS name, or its number) among the first `before`
 * stages, or -1: then ref is an image. */
int build_plan_find(const struct build_plan *p, const char *ref, size_t before);

#endif
