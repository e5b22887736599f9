/* A JSON document read in one yajl pass into a tree whose nodes and strings
 * all live in one arena (freed at once), for json.c's table walk. Internal
 * to specs/. */
#ifndef KEEL_JSON_TREE_H
#define KEEL_JSON_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/error.h"

/* Deeper documents are refused (the table walk recurses). */
#define JSON_MAX_DEPTH 256

enum jtype { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_OBJECT, J_ARRAY };

struct jnode {
    enum jtype type;
    bool boolean;
    const char *text;       /* J_STRING's value, J_NUMBER's literal */
    size_t text_len;
    const char *key;        /* the member name inside an object */
    size_t count;           /* children of an object or array */
    struct jnode *first;    /* children, in document order */
    struct jnode *last;
    struct jnode *next;     /* the next sibling */
};

struct jarena;

struct jtree {
    struct jnode *root;
    struct jarena *arena;
};

/* Parses buf; on a syntax error, err says "<source>: line N: <what>" (or
 * "<source>: empty document"). With raw_strings, string values may hold NUL
 * and bytes that are not UTF-8 (text_len is their length). */
int jtree_parse(struct jtree *tree, const char *buf, size_t len, const char *source,
                bool raw_strings, keel_err *err);
void jtree_free(struct jtree *tree);

#endif
