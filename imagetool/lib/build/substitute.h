/* Variable substitution where docker does it (ADD COPY ENV EXPOSE FROM LABEL
 * STOPSIGNAL USER VOLUME WORKDIR ARG and heredocs): $V, ${V}, ${V:-x},
 * ${V-x}, ${V:+x}, ${V+x}, ${V:?msg}, ${V?msg}, quotes and the escape
 * character, as docker's shell lexer reads them. */
#ifndef KEEL_BUILD_SUBSTITUTE_H
#define KEEL_BUILD_SUBSTITUTE_H

#include <stddef.h>

#include "keel/error.h"

/* The value of a variable, or NULL when it is not set. */
typedef const char *subst_lookup_fn(void *ctx, const char *name);

struct subst {
    char escape; /* '\\' or '`' */
    subst_lookup_fn *lookup;
    void *ctx;
};

/* One word: quotes removed, escapes applied, variables expanded; whitespace
 * stays (ENV A="x y", WORKDIR, USER). *out is malloc'd. */
int subst_word(const struct subst *s, const char *in, char **out, keel_err *err);
/* Words split at unquoted whitespace, an unquoted expansion split too
 * (COPY's sources, EXPOSE, VOLUME). *out is malloc'd and NULL-terminated. */
int subst_words(const struct subst *s, const char *in, char ***out, size_t *n, keel_err *err);
/* A heredoc's body: variables expanded and `\$` made a plain '$'; quotes stay. */
int subst_heredoc(const struct subst *s, const char *in, char **out, keel_err *err);

/* Splits at unquoted whitespace keeping quotes and escapes as written (ENV
 * and LABEL's key=value pairs, substituted one by one afterwards). */
int split_raw_words(const char *in, char escape, char ***out, size_t *n, keel_err *err);

#endif
