/* A Dockerfile as a list of instructions (docker's reference.md): parser
 * directives, comments, line continuations, heredocs, flags, and the exec
 * (JSON) or shell form of each instruction. No substitution happens here: the
 * builder expands variables where docker does, when it knows their values. */
#ifndef KEEL_BUILD_DOCKERFILE_H
#define KEEL_BUILD_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/error.h"

/* `<<EOF` (or `<<-EOF`, `<<"EOF"`) after RUN, COPY or ADD: the lines up to EOF. */
struct df_heredoc {
    char *name;    /* the delimiter word, unquoted */
    char *content; /* its lines, each ending in '\n' (tabs stripped with <<-) */
    bool expand;   /* unquoted delimiter: variables are expanded in content */
};

struct df_instr {
    int line;        /* where the instruction starts (1-based) */
    char *keyword;   /* lower case: "run", "copy", ... */
    char *original;  /* the instruction as one line (continuations joined) */
    char **flags;    /* leading --name[=value] words, without the "--" */
    size_t flags_len;
    char *rest;      /* what follows the keyword and flags, trimmed */
    bool json;       /* rest is a JSON array of strings: the exec form */
    char **args;     /* the array's strings when json */
    size_t args_len;
    struct df_heredoc *heredocs;
    size_t heredocs_len;
    struct df_instr *sub; /* ONBUILD's instruction */
};

struct dockerfile {
    struct df_instr *v;
    size_t n;
    char escape;  /* '\\' or '`' (the escape directive) */
    char *syntax; /* the syntax directive, or NULL */
};

/* Parses text; `name` names the file in errors, which read
 * "NAME:LINE: reason". An unknown instruction, a missing argument, a heredoc
 * without its end and a bad directive are errors. */
int dockerfile_parse(const char *text, size_t len, const char *name, struct dockerfile *out,
                     keel_err *err);
void dockerfile_release(struct dockerfile *df);

/* The value of flag `name` (NULL when absent; "" for a bare --name). */
const char *df_flag(const struct df_instr *in, const char *name);
/* Errors for flags the instruction does not take ("--foo"), as docker's
 * "unknown flag: foo". `allowed` is NULL-terminated. */
int df_flags_check(const struct df_instr *in, const char *const *allowed, const char *file,
                   keel_err *err);

void df_instr_release(struct df_instr *in);

#endif
