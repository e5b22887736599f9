/* The parsed form of a template (template_parse.c) that template_exec.c walks.
 * Internal to specs/. */
#ifndef KEEL_TEMPLATE_INTERNAL_H
#define KEEL_TEMPLATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/template.h"

struct tpipe;

/* An operand: a field chain of dot (.A.B), a variable ($x.A), dot, a
 * constant, a function name, or a parenthesized pipeline (then .A.B). */
enum targ_kind { A_FIELD, A_VAR, A_DOT, A_STRING, A_NUMBER, A_BOOL, A_NIL, A_IDENT, A_PIPE };

struct targ {
    enum targ_kind kind;
    char *str; /* A_STRING's value, A_NUMBER's literal, A_IDENT's and A_VAR's name */
    size_t str_len;
    bool boolean;
    char **fields; /* the chain after the operand */
    size_t nfields;
    struct tpipe *pipe;
    struct targ *next;
};

/* One command of a pipeline: its operands (a function and its arguments, a
 * field with arguments, or one value). */
struct tcmd {
    struct targ *args;
    struct tcmd *next;
};

/* A pipeline, maybe declaring ($x := ...) or assigning ($x = ...) variables. */
struct tpipe {
    int decl; /* 0, or 1 for :=, 2 for = */
    char *vars[2];
    size_t nvars;
    struct tcmd *cmds;
    int line;
};

enum tnode_kind { T_TEXT, T_ACTION, T_IF, T_RANGE, T_WITH };

struct tnode {
    enum tnode_kind kind;
    char *text; /* T_TEXT */
    size_t len;
    struct tpipe *pipe;
    struct tnode *list, *else_list;
    struct tnode *next;
};

struct keel_template {
    struct tnode *root;
};

void template_nodes_free(struct tnode *n);

struct jnode;
/* keel_template_exec over a document already parsed. */
int template_exec_node(const struct keel_template *t, const struct jnode *data, bool header,
                       char **buf, size_t *len, keel_err *err);

#endif
