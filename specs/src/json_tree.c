/* One yajl pass from text to an arena tree (json_tree.h): the depth limit,
 * the NUL check and the line of a syntax error come from the same pass. */
#include "json_tree.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

/* Memory handed out in order and freed all at once. */
struct jblock {
    struct jblock *next;
    size_t used, size;
    max_align_t data[];
};

struct jarena {
    struct jblock *head;
};

#define JBLOCK_MIN 8192

static void *arena_alloc(struct jarena *a, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    struct jblock *b = a->head;
    if (b == NULL || b->size - b->used < n) {
        size_t size = n > JBLOCK_MIN ? n : JBLOCK_MIN;
        b = malloc(sizeof *b + size);
        if (b == NULL)
            return NULL;
        b->used = 0;
        b->size = size;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static char *arena_strndup(struct jarena *a, const unsigned char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

struct builder {
    struct jarena *arena;
    struct jnode *root;
    struct jnode *open[JSON_MAX_DEPTH];
    int depth;
    const char *key; /* the member name waiting for its value */
    bool too_deep, has_nul, oom, raw_strings;
};

static struct jnode *add(struct builder *b, enum jtype type)
{
    struct jnode *n = arena_alloc(b->arena, sizeof *n);
    if (n == NULL) {
        b->oom = true;
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->type = type;
    if (b->depth == 0) {
        b->root = n;
        return n;
    }
    struct jnode *parent = b->open[b->depth - 1];
    if (parent->type == J_OBJECT)
        n->key = b->key;
    if (parent->last)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
    parent->count++;
    return n;
}

static int on_null(void *ctx)
{
    return add(ctx, J_NULL) != NULL;
}

static int on_boolean(void *ctx, int value)
{
    struct jnode *n = add(ctx, J_BOOL);
    if (n)
        n->boolean = value != 0;
    return n != NULL;
}

static int on_text(struct builder *b, enum jtype type, const unsigned char *s, size_t len)
{
    /* a C string cannot hold "\u0000" */
    if (!(type == J_STRING && b->raw_strings) && memchr(s, '\0', len) != NULL) {
        b->has_nul = true;
        return 0;
    }
    struct jnode *n = add(b, type);
    if (n == NULL)
        return 0;
    n->text = arena_strndup(b->arena, s, len);
    n->text_len = len;
    b->oom = n->text == NULL;
    return !b->oom;
}

static int on_number(void *ctx, const char *s, size_t len)
{
    return on_text(ctx, J_NUMBER, (const unsigned char *)s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    return on_text(ctx, J_STRING, s, len);
}

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
    struct builder *b = ctx;
    if (memchr(s, '\0', len) != NULL) {
        b->has_nul = true;
        return 0;
    }
    b->key = arena_strndup(b->arena, s, len);
    b->oom = b->key == NULL;
    return !b->oom;
}

static int on_open(struct builder *b, enum jtype type)
{
    if (b->depth == JSON_MAX_DEPTH) {
        b->too_deep = true;
        return 0;
    }
    struct jnode *n = add(b, type);
    if (n == NULL)
        return 0;
    b->open[b->depth++] = n;
    return 1;
}

static int on_start_map(void *ctx)
{
    return on_open(ctx, J_OBJECT);
}

static int on_start_array(void *ctx)
{
    return on_open(ctx, J_ARRAY);
}

static int on_close(void *ctx)
{
    ((struct builder *)ctx)->depth--;
    return 1;
}

static const yajl_callbacks builder_callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_close,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_close,
};

static bool is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static unsigned line_at(const char *buf, size_t off)
{
    unsigned line = 1;
    for (size_t i = 0; i < off; i++)
        line += buf[i] == '\n';
    return line;
}

static int syntax_error(const struct builder *b, yajl_handle h, const char *buf, size_t len,
                        size_t off, const char *source, keel_err *err)
{
    unsigned line = line_at(buf, off);
    if (b->oom)
        return keel_error(err, ENOMEM, "%s", source);
    if (b->too_deep)
        return keel_error(err, 0, "%s: line %u: nesting deeper than %d levels", source, line,
                          JSON_MAX_DEPTH);
    if (b->has_nul)
        return keel_error(err, 0, "%s: line %u: string contains a NUL character", source, line);
    unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)buf, len);
    /* yajl ends its message with a newline; the error is one line */
    const char *text = msg ? (const char *)msg : "parse error";
    keel_error(err, 0, "%s: line %u: %.*s", source, line, (int)strcspn(text, "\n"), text);
    if (msg)
        yajl_free_error(h, msg);
    return -1;
}

int jtree_parse(struct jtree *tree, const char *buf, size_t len, const char *source,
                bool raw_strings, keel_err *err)
{
    tree->root = NULL;
    tree->arena = calloc(1, sizeof *tree->arena);
    if (tree->arena == NULL)
        return keel_error(err, ENOMEM, "%s", source);
    size_t end = len;
    while (end > 0 && is_json_space(buf[end - 1]))
        end--;
    if (end == 0) {
        jtree_free(tree);
        return keel_error(err, 0, "%s: empty document", source);
    }
    struct builder b = { .arena = tree->arena, .raw_strings = raw_strings };
    yajl_handle h = yajl_alloc(&builder_callbacks, NULL, &b);
    if (h == NULL) {
        jtree_free(tree);
        return keel_error(err, ENOMEM, "%s", source);
    }
    if (raw_strings)
        yajl_config(h, yajl_dont_validate_strings, 1);
    yajl_status st = yajl_parse(h, (const unsigned char *)buf, len);
    /* an error found only at the end (a truncated document) is on the last
     * line that holds something */
    size_t off = end;
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    else
        off = yajl_get_bytes_consumed(h);
    int r = 0;
    if (st != yajl_status_ok)
        r = syntax_error(&b, h, buf, len, off, source, err);
    yajl_free(h);
    tree->root = b.root;
    if (r < 0)
        jtree_free(tree);
    return r;
}

void jtree_free(struct jtree *tree)
{
    if (tree->arena == NULL)
        return;
    for (struct jblock *b = tree->arena->head, *next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(tree->arena);
    tree->arena = NULL;
    tree->root = NULL;
}
