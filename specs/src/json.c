/* The one JSON reader and writer: walks a spec_type table over a parsed
 * tree (json_tree.h) or a C struct (generate with yajl_gen). */
#include "keel/spec.h"
#include "keel/cleanup.h"
#include "keel/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>

#include "json_tree.h"

#define SPEC_MAX_DOC (64u << 20)

#define FIELD_AT(obj, off, type) ((type *)((char *)(obj) + (off)))
#define CFIELD_AT(obj, off, type) ((type const *)((const char *)(obj) + (off)))

/* A JSON path being built while descending ("process.args[1]"). */
struct jpath {
    char buf[512];
    size_t len;
};

/* Appends what fits (paths are for messages; a cut one is still useful). */
static void jpath_append(struct jpath *p, const char *s, size_t n)
{
    size_t room = sizeof p->buf - 1 - p->len;
    if (n > room)
        n = room;
    memcpy(p->buf + p->len, s, n);
    p->len += n;
    p->buf[p->len] = '\0';
}

/* These run for every field parsed, so they avoid printf. */
static size_t jpath_push_key(struct jpath *p, const char *key)
{
    size_t saved = p->len;
    if (p->len)
        jpath_append(p, ".", 1);
    jpath_append(p, key, strlen(key));
    return saved;
}

static size_t jpath_push_index(struct jpath *p, size_t i)
{
    size_t saved = p->len;
    char num[24];
    size_t n = sizeof num;
    num[--n] = ']';
    do {
        num[--n] = (char)('0' + i % 10);
        i /= 10;
    } while (i != 0);
    num[--n] = '[';
    jpath_append(p, num + n, sizeof num - n);
    return saved;
}

static size_t jpath_push_mapkey(struct jpath *p, const char *key)
{
    size_t saved = p->len;
    jpath_append(p, "[\"", 2);
    jpath_append(p, key, strlen(key));
    jpath_append(p, "\"]", 2);
    return saved;
}

static void jpath_pop(struct jpath *p, size_t saved)
{
    p->len = saved;
    p->buf[saved] = '\0';
}

static const char *json_type_name(const struct jnode *v)
{
    static const char *const names[] = {
        [J_NULL] = "null", [J_BOOL] = "boolean", [J_NUMBER] = "number",
        [J_STRING] = "string", [J_OBJECT] = "object", [J_ARRAY] = "array",
    };
    return names[v->type];
}

struct pctx {
    const char *source;
    struct jpath path;
    keel_err *err;
};

static int type_error(struct pctx *c, const char *want, const struct jnode *v)
{
    return keel_error(c->err, 0, "%s: %s: expected %s, got %s", c->source,
                      c->path.len ? c->path.buf : "(document)", want, json_type_name(v));
}

static int range_error(struct pctx *c, const char *raw, const char *want)
{
    return keel_error(c->err, 0, "%s: %s: %s out of range for %s", c->source,
                      c->path.len ? c->path.buf : "(document)", raw, want);
}

static int oom_error(struct pctx *c)
{
    return keel_error(c->err, ENOMEM, "%s: %s", c->source, c->path.buf);
}

/* Integers come from the literal text, so the whole 64-bit range survives. */
static int parse_int(struct pctx *c, const struct jnode *v, enum spec_kind kind, void *dst)
{
    static const char *names[] = {
        [SPEC_I32] = "int32", [SPEC_U32] = "uint32", [SPEC_I64] = "int64", [SPEC_U64] = "uint64",
    };
    if (v->type != J_NUMBER)
        return type_error(c, "integer", v);
    const char *raw = v->text;
    if (strpbrk(raw, ".eE") != NULL)
        return keel_error(c->err, 0, "%s: %s: expected integer, got %s", c->source, c->path.buf, raw);
    char *end;
    errno = 0;
    if (kind == SPEC_I32 || kind == SPEC_I64) {
        long long n = strtoll(raw, &end, 10);
        if (errno || *end || (kind == SPEC_I32 && (n < INT32_MIN || n > INT32_MAX)))
            return range_error(c, raw, names[kind]);
        if (kind == SPEC_I32)
            *(int32_t *)dst = (int32_t)n;
        else
            *(int64_t *)dst = n;
    } else {
        if (raw[0] == '-')
            return range_error(c, raw, names[kind]);
        unsigned long long n = strtoull(raw, &end, 10);
        if (errno || *end || (kind == SPEC_U32 && n > UINT32_MAX))
            return range_error(c, raw, names[kind]);
        if (kind == SPEC_U32)
            *(uint32_t *)dst = (uint32_t)n;
        else
            *(uint64_t *)dst = n;
    }
    return 0;
}

static int parse_string(struct pctx *c, const struct jnode *v, char **dst)
{
    if (v->type != J_STRING)
        return type_error(c, "string", v);
    *dst = malloc(v->text_len + 1);
    if (*dst == NULL)
        return oom_error(c);
    memcpy(*dst, v->text, v->text_len + 1);
    return 0;
}

/* Arrays and maps are non-NULL when present, even when empty. */
static void *alloc_elems(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

static int parse_object(struct pctx *c, const struct spec_type *t, const struct jnode *v, void *out);
static void release_field(const struct spec_field *f, void *obj);

static int parse_array(struct pctx *c, const struct spec_field *f, const struct jnode *v, void *obj)
{
    if (v->type != J_ARRAY)
        return type_error(c, "array", v);
    size_t n = v->count;
    size_t esize = f->kind == SPEC_STRS ? sizeof(char *)
                 : f->kind == SPEC_U32S ? sizeof(uint32_t) : f->sub->size;
    char *elems = alloc_elems(n, esize);
    if (elems == NULL)
        return oom_error(c);
    /* zeroed elements are safe to release, so the length is final at once */
    *FIELD_AT(obj, f->off, void *) = elems;
    *FIELD_AT(obj, f->off_aux, size_t) = n;
    const struct jnode *e = v->first;
    for (size_t i = 0; i < n; i++, e = e->next) {
        size_t saved = jpath_push_index(&c->path, i);
        int r;
        if (f->kind == SPEC_STRS)
            r = parse_string(c, e, (char **)(elems + i * esize));
        else if (f->kind == SPEC_U32S)
            r = parse_int(c, e, SPEC_U32, elems + i * esize);
        else if (e->type != J_OBJECT)
            r = type_error(c, "object", e);
        else
            r = parse_object(c, f->sub, e, elems + i * esize);
        if (r < 0)
            return r; /* the caller releases the whole array */
        jpath_pop(&c->path, saved);
    }
    return 0;
}

/* Positions of the keys of a map being parsed, to find repeated keys: a
 * linear scan for small maps, open addressing (slot = index + 1) for big ones. */
struct key_index {
    size_t *slots;
    size_t mask;
    size_t last_slot; /* where key_index_find stopped */
};

#define KEY_INDEX_MIN 16

static size_t key_hash(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return (size_t)h;
}

static int key_index_init(struct key_index *idx, size_t n)
{
    *idx = (struct key_index){0};
    if (n <= KEY_INDEX_MIN)
        return 0;
    size_t cap = 2 * KEY_INDEX_MIN;
    while (cap < 2 * n)
        cap <<= 1;
    idx->slots = calloc(cap, sizeof *idx->slots);
    idx->mask = cap - 1;
    return idx->slots ? 0 : -1;
}

/* The index of key among keys[0..used), or used when it is new. */
static size_t key_index_find(struct key_index *idx, char *const *keys, size_t used, const char *key)
{
    if (idx->slots == NULL) {
        size_t at = 0;
        while (at < used && strcmp(keys[at], key) != 0)
            at++;
        return at;
    }
    size_t slot = key_hash(key) & idx->mask;
    while (idx->slots[slot] != 0 && strcmp(keys[idx->slots[slot] - 1], key) != 0)
        slot = (slot + 1) & idx->mask;
    idx->last_slot = slot;
    return idx->slots[slot] ? idx->slots[slot] - 1 : used;
}

/* Records the key key_index_find() just missed as keys[count - 1]. */
static void key_index_add(struct key_index *idx, size_t count)
{
    if (idx->slots != NULL)
        idx->slots[idx->last_slot] = count;
}

static int parse_map(struct pctx *c, const struct spec_field *f, const struct jnode *v, void *obj)
{
    if (v->type != J_OBJECT)
        return type_error(c, "object", v);
    size_t n = v->count;
    size_t esize = f->kind == SPEC_OBJMAP ? f->sub->size : sizeof(char *);
    char **keys = alloc_elems(n, sizeof(char *));
    char *vals = f->kind == SPEC_SET ? NULL : alloc_elems(n, esize);
    if (keys == NULL || (f->kind != SPEC_SET && vals == NULL)) {
        free(keys);
        free(vals);
        return oom_error(c);
    }
    if (f->kind == SPEC_SET) {
        *FIELD_AT(obj, f->off, char **) = keys;
    } else {
        *FIELD_AT(obj, f->off_keys, char **) = keys;
        *FIELD_AT(obj, f->off, void *) = vals;
    }
    *FIELD_AT(obj, f->off_aux, size_t) = n;
    /* a repeated key replaces the earlier value (the last one wins, as for
     * struct fields); the entries past the last distinct key stay zeroed.
     * Big maps (image labels come from anyone) find repeats by hashing. */
    struct key_index idx;
    if (key_index_init(&idx, n) < 0)
        return oom_error(c);
    size_t used = 0;
    for (const struct jnode *e = v->first; e != NULL; e = e->next) {
        const char *key = e->key;
        size_t at = key_index_find(&idx, keys, used, key);
        if (at < used && f->kind == SPEC_MAP) {
            free(((char **)vals)[at]);
            ((char **)vals)[at] = NULL;
        } else if (at < used && f->kind == SPEC_OBJMAP) {
            spec_release(f->sub, vals + at * esize);
        }
        size_t saved = jpath_push_mapkey(&c->path, key);
        int r = 0;
        if (f->kind == SPEC_MAP)
            r = parse_string(c, e, (char **)(vals + at * esize));
        else if (e->type != J_OBJECT)
            r = type_error(c, "object", e);
        else if (f->kind == SPEC_OBJMAP)
            r = parse_object(c, f->sub, e, vals + at * esize);
        if (r == 0 && at == used) {
            if ((keys[used] = strdup(key)) == NULL)
                r = oom_error(c);
            else
                key_index_add(&idx, ++used);
        }
        if (r < 0) {
            free(idx.slots);
            return r;
        }
        jpath_pop(&c->path, saved);
    }
    free(idx.slots);
    *FIELD_AT(obj, f->off_aux, size_t) = used;
    return 0;
}

static int parse_field(struct pctx *c, const struct spec_field *f, const struct jnode *v, void *obj)
{
    switch (f->kind) {
    case SPEC_STR:
        return parse_string(c, v, FIELD_AT(obj, f->off, char *));
    case SPEC_BOOL:
        if (v->type != J_BOOL)
            return type_error(c, "boolean", v);
        *FIELD_AT(obj, f->off, bool) = v->boolean;
        *FIELD_AT(obj, f->off_aux, bool) = true;
        return 0;
    case SPEC_I32:
    case SPEC_U32:
    case SPEC_I64:
    case SPEC_U64:
        if (parse_int(c, v, f->kind, (char *)obj + f->off) < 0)
            return -1;
        *FIELD_AT(obj, f->off_aux, bool) = true;
        return 0;
    case SPEC_OBJ: {
        if (v->type != J_OBJECT)
            return type_error(c, "object", v);
        void *sub = calloc(1, f->sub->size);
        if (sub == NULL)
            return oom_error(c);
        *FIELD_AT(obj, f->off, void *) = sub;
        return parse_object(c, f->sub, v, sub);
    }
    case SPEC_STRS:
    case SPEC_U32S:
    case SPEC_OBJS:
        return parse_array(c, f, v, obj);
    case SPEC_MAP:
    case SPEC_OBJMAP:
    case SPEC_SET:
        return parse_map(c, f, v, obj);
    }
    return keel_error(c->err, EINVAL, "%s: %s: unknown field kind", c->source, c->path.buf);
}

static int parse_object(struct pctx *c, const struct spec_type *t, const struct jnode *v, void *out)
{
    for (const struct jnode *val = v->first; val != NULL; val = val->next) {
        const char *key = val->key;
        for (size_t j = 0; j < t->nfields; j++) {
            const struct spec_field *f = &t->fields[j];
            if (strcmp(f->json, key) != 0)
                continue;
            /* a repeated key: the last one wins, as with Go's encoding/json */
            release_field(f, out);
            /* null means absent, as Go's encoders (runc, containerd) write it */
            if (val->type == J_NULL)
                break;
            size_t saved = jpath_push_key(&c->path, key);
            if (parse_field(c, f, val, out) < 0)
                return -1;
            jpath_pop(&c->path, saved);
            break;
        }
    }
    return 0;
}

int spec_parse(const struct spec_type *t, const char *buf, size_t len, const char *source,
               void *out, keel_err *err)
{
    memset(out, 0, t->size);
    if (len > SPEC_MAX_DOC)
        return keel_error(err, 0, "%s: document larger than %u bytes", source, SPEC_MAX_DOC);
    struct jtree tree;
    if (jtree_parse(&tree, buf, len, source, err) < 0)
        return -1;
    struct pctx c = {.source = source, .err = err};
    int r;
    if (t->root_array)
        r = parse_array(&c, &t->fields[0], tree.root, out);
    else if (tree.root->type != J_OBJECT)
        r = type_error(&c, "object", tree.root);
    else
        r = parse_object(&c, t, tree.root, out);
    jtree_free(&tree);
    if (r < 0)
        spec_release(t, out);
    return r;
}

int spec_parse_file(const struct spec_type *t, const char *path, void *out, keel_err *err)
{
    memset(out, 0, t->size);
    cleanup_free char *buf = NULL;
    size_t len = 0;
    if (read_file(path, SPEC_MAX_DOC, &buf, &len, err) < 0)
        return -1;
    return spec_parse(t, buf, len, path, out, err);
}

/* --- generate ------------------------------------------------------------- */

static int gen_object(yajl_gen g, const struct spec_type *t, const void *obj);

static int gen_str(yajl_gen g, const char *s)
{
    return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_int(yajl_gen g, enum spec_kind kind, const void *p)
{
    char num[32];
    switch (kind) {
    case SPEC_I32: snprintf(num, sizeof num, "%" PRId32, *(const int32_t *)p); break;
    case SPEC_U32: snprintf(num, sizeof num, "%" PRIu32, *(const uint32_t *)p); break;
    case SPEC_I64: snprintf(num, sizeof num, "%" PRId64, *(const int64_t *)p); break;
    default:       snprintf(num, sizeof num, "%" PRIu64, *(const uint64_t *)p); break;
    }
    return yajl_gen_number(g, num, strlen(num)) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_array(yajl_gen g, const struct spec_field *f, const void *obj)
{
    const char *elems = *CFIELD_AT(obj, f->off, char *);
    size_t n = *CFIELD_AT(obj, f->off_aux, size_t);
    if (yajl_gen_array_open(g) != yajl_gen_status_ok)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int r;
        if (f->kind == SPEC_STRS)
            r = gen_str(g, ((char *const *)elems)[i]);
        else if (f->kind == SPEC_U32S)
            r = gen_int(g, SPEC_U32, elems + i * sizeof(uint32_t));
        else
            r = gen_object(g, f->sub, elems + i * f->sub->size);
        if (r < 0)
            return -1;
    }
    return yajl_gen_array_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_map(yajl_gen g, const struct spec_field *f, const void *obj)
{
    char *const *keys = f->kind == SPEC_SET ? *CFIELD_AT(obj, f->off, char **)
                                            : *CFIELD_AT(obj, f->off_keys, char **);
    const char *vals = f->kind == SPEC_SET ? NULL : *CFIELD_AT(obj, f->off, char *);
    size_t n = *CFIELD_AT(obj, f->off_aux, size_t);
    if (yajl_gen_map_open(g) != yajl_gen_status_ok)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (gen_str(g, keys[i]) < 0)
            return -1;
        int r;
        if (f->kind == SPEC_MAP)
            r = gen_str(g, ((char *const *)vals)[i]);
        else if (f->kind == SPEC_SET)
            r = yajl_gen_map_open(g) == yajl_gen_status_ok && yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
        else
            r = gen_object(g, f->sub, vals + i * f->sub->size);
        if (r < 0)
            return -1;
    }
    return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static bool field_present(const struct spec_field *f, const void *obj)
{
    switch (f->kind) {
    case SPEC_BOOL: case SPEC_I32: case SPEC_U32: case SPEC_I64: case SPEC_U64:
        return *CFIELD_AT(obj, f->off_aux, bool);
    case SPEC_MAP: case SPEC_OBJMAP:
        return *CFIELD_AT(obj, f->off_keys, void *) != NULL;
    default:
        return *CFIELD_AT(obj, f->off, void *) != NULL;
    }
}

static int gen_field(yajl_gen g, const struct spec_field *f, const void *obj)
{
    switch (f->kind) {
    case SPEC_STR:
        return gen_str(g, *CFIELD_AT(obj, f->off, char *));
    case SPEC_BOOL:
        return yajl_gen_bool(g, *CFIELD_AT(obj, f->off, bool)) == yajl_gen_status_ok ? 0 : -1;
    case SPEC_I32: case SPEC_U32: case SPEC_I64: case SPEC_U64:
        return gen_int(g, f->kind, (const char *)obj + f->off);
    case SPEC_OBJ:
        return gen_object(g, f->sub, *CFIELD_AT(obj, f->off, void *));
    case SPEC_STRS: case SPEC_U32S: case SPEC_OBJS:
        return gen_array(g, f, obj);
    case SPEC_MAP: case SPEC_OBJMAP: case SPEC_SET:
        return gen_map(g, f, obj);
    }
    return -1;
}

/* A parsed value as it was (members the type does not know, kept on rewrite). */
static int gen_node(yajl_gen g, const struct jnode *v)
{
    yajl_gen_status st;
    switch (v->type) {
    case J_NULL: st = yajl_gen_null(g); break;
    case J_BOOL: st = yajl_gen_bool(g, v->boolean); break;
    case J_NUMBER: st = yajl_gen_number(g, v->text, v->text_len); break;
    case J_STRING: st = yajl_gen_string(g, (const unsigned char *)v->text, v->text_len); break;
    default: {
        bool obj = v->type == J_OBJECT;
        if ((obj ? yajl_gen_map_open(g) : yajl_gen_array_open(g)) != yajl_gen_status_ok)
            return -1;
        for (const struct jnode *c = v->first; c != NULL; c = c->next)
            if ((obj && gen_str(g, c->key) < 0) || gen_node(g, c) < 0)
                return -1;
        st = obj ? yajl_gen_map_close(g) : yajl_gen_array_close(g);
    }
    }
    return st == yajl_gen_status_ok ? 0 : -1;
}

static bool is_field(const struct spec_type *t, const char *key)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (strcmp(t->fields[i].json, key) == 0)
            return true;
    return false;
}

/* The object's fields, then the members of `keep` (an object, or NULL)
 * that are not fields of t. */
static int gen_object_keeping(yajl_gen g, const struct spec_type *t, const void *obj,
                              const struct jnode *keep)
{
    if (yajl_gen_map_open(g) != yajl_gen_status_ok)
        return -1;
    for (size_t i = 0; i < t->nfields; i++) {
        const struct spec_field *f = &t->fields[i];
        if (!field_present(f, obj))
            continue;
        if (gen_str(g, f->json) < 0 || gen_field(g, f, obj) < 0)
            return -1;
    }
    for (const struct jnode *c = keep ? keep->first : NULL; c != NULL; c = c->next)
        if (!is_field(t, c->key) && (gen_str(g, c->key) < 0 || gen_node(g, c) < 0))
            return -1;
    return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_object(yajl_gen g, const struct spec_type *t, const void *obj)
{
    return gen_object_keeping(g, t, obj, NULL);
}

static char *generate(const struct spec_type *t, const void *obj, const struct jnode *keep,
                      bool pretty, size_t *len, keel_err *err)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        keel_error(err, ENOMEM, "generate %s", t->name);
        return NULL;
    }
    yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    yajl_gen_config(g, yajl_gen_validate_utf8, 1);
    int r;
    if (t->root_array) {
        const struct spec_field *f = &t->fields[0];
        if (*CFIELD_AT(obj, f->off, void *) == NULL)
            r = yajl_gen_array_open(g) == yajl_gen_status_ok && yajl_gen_array_close(g) == yajl_gen_status_ok ? 0 : -1;
        else
            r = gen_array(g, f, obj);
    } else {
        r = gen_object_keeping(g, t, obj, keep);
    }
    char *out = NULL;
    if (r == 0) {
        const unsigned char *buf;
        size_t blen;
        yajl_gen_get_buf(g, &buf, &blen);
        out = malloc(blen + 1);
        if (out != NULL) {
            memcpy(out, buf, blen);
            out[blen] = '\0';
            if (len)
                *len = blen;
        } else {
            keel_error(err, ENOMEM, "generate %s", t->name);
        }
    } else {
        keel_error(err, 0, "generate %s: a string is not valid UTF-8", t->name);
    }
    yajl_gen_free(g);
    return out;
}

char *spec_generate(const struct spec_type *t, const void *obj, bool pretty, size_t *len,
                    keel_err *err)
{
    return generate(t, obj, NULL, pretty, len, err);
}

char *spec_generate_keeping(const struct spec_type *t, const void *obj, const char *orig,
                            size_t orig_len, bool pretty, size_t *len, keel_err *err)
{
    if (orig == NULL || orig_len == 0)
        return generate(t, obj, NULL, pretty, len, err);
    struct jtree tree;
    if (jtree_parse(&tree, orig, orig_len, t->name, err) < 0)
        return NULL;
    char *out = NULL;
    if (tree.root->type != J_OBJECT)
        keel_error(err, 0, "%s: expected object, got %s", t->name, json_type_name(tree.root));
    else
        out = generate(t, obj, tree.root, pretty, len, err);
    jtree_free(&tree);
    return out;
}

/* --- release, copy, equal ----------------------------------------------- */

static void release_field(const struct spec_field *f, void *obj)
{
    void **p = FIELD_AT(obj, f->off, void *);
    size_t n = f->kind >= SPEC_STRS ? *FIELD_AT(obj, f->off_aux, size_t) : 0;
    switch (f->kind) {
    case SPEC_STR:
        free(*p);
        *p = NULL;
        return;
    case SPEC_OBJ:
        if (*p)
            spec_release(f->sub, *p);
        break;
    case SPEC_STRS:
    case SPEC_SET:
        for (size_t j = 0; *p && j < n; j++)
            free(((char **)*p)[j]);
        break;
    case SPEC_OBJS:
        for (size_t j = 0; *p && j < n; j++)
            spec_release(f->sub, (char *)*p + j * f->sub->size);
        break;
    case SPEC_MAP:
    case SPEC_OBJMAP: {
        char **keys = *FIELD_AT(obj, f->off_keys, char **);
        for (size_t j = 0; keys && j < n; j++)
            free(keys[j]);
        for (size_t j = 0; *p && j < n; j++) {
            if (f->kind == SPEC_MAP)
                free(((char **)*p)[j]);
            else
                spec_release(f->sub, (char *)*p + j * f->sub->size);
        }
        free(keys);
        *FIELD_AT(obj, f->off_keys, char **) = NULL;
        break;
    }
    case SPEC_U32S:
        break;
    case SPEC_BOOL: case SPEC_I32: case SPEC_U32: case SPEC_I64: case SPEC_U64:
        *FIELD_AT(obj, f->off_aux, bool) = false;
        return;
    }
    free(*p);
    *p = NULL;
    if (f->kind >= SPEC_STRS)
        *FIELD_AT(obj, f->off_aux, size_t) = 0;
}

void spec_release(const struct spec_type *t, void *obj)
{
    if (obj == NULL)
        return;
    size_t fields = t->root_array ? 1 : t->nfields;
    for (size_t i = 0; i < fields; i++)
        release_field(&t->fields[i], obj);
    memset(obj, 0, t->size);
}

int spec_copy(const struct spec_type *t, void *dst, const void *src, keel_err *err)
{
    size_t len;
    cleanup_free char *doc = spec_generate(t, src, false, &len, err);
    if (doc == NULL)
        return -1;
    return spec_parse(t, doc, len, t->name, dst, err);
}

static bool str_equal(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool field_equal(const struct spec_field *f, const void *a, const void *b)
{
    if (field_present(f, a) != field_present(f, b))
        return false;
    if (!field_present(f, a))
        return true;
    size_t n = f->kind >= SPEC_STRS ? *CFIELD_AT(a, f->off_aux, size_t) : 0;
    if (f->kind >= SPEC_STRS && n != *CFIELD_AT(b, f->off_aux, size_t))
        return false;
    switch (f->kind) {
    case SPEC_BOOL:
        return *CFIELD_AT(a, f->off, bool) == *CFIELD_AT(b, f->off, bool);
    case SPEC_I32: case SPEC_U32:
        return *CFIELD_AT(a, f->off, uint32_t) == *CFIELD_AT(b, f->off, uint32_t);
    case SPEC_I64: case SPEC_U64:
        return *CFIELD_AT(a, f->off, uint64_t) == *CFIELD_AT(b, f->off, uint64_t);
    default:
        break;
    }
    /* the rest are pointers (a scalar's slot may be too small to read as one) */
    const void *pa = *CFIELD_AT(a, f->off, void *), *pb = *CFIELD_AT(b, f->off, void *);
    switch (f->kind) {
    case SPEC_STR:
        return str_equal(pa, pb);
    case SPEC_BOOL: case SPEC_I32: case SPEC_U32: case SPEC_I64: case SPEC_U64:
        return false; /* handled above */
    case SPEC_OBJ:
        return spec_equal(f->sub, pa, pb);
    case SPEC_U32S:
        return memcmp(pa, pb, n * sizeof(uint32_t)) == 0;
    case SPEC_STRS: case SPEC_SET:
        for (size_t i = 0; i < n; i++)
            if (!str_equal(((char *const *)pa)[i], ((char *const *)pb)[i]))
                return false;
        return true;
    case SPEC_OBJS:
        for (size_t i = 0; i < n; i++)
            if (!spec_equal(f->sub, (const char *)pa + i * f->sub->size,
                            (const char *)pb + i * f->sub->size))
                return false;
        return true;
    case SPEC_MAP: case SPEC_OBJMAP: {
        char *const *ka = *CFIELD_AT(a, f->off_keys, char **);
        char *const *kb = *CFIELD_AT(b, f->off_keys, char **);
        for (size_t i = 0; i < n; i++) {
            if (!str_equal(ka[i], kb[i]))
                return false;
            bool same = f->kind == SPEC_MAP
                ? str_equal(((char *const *)pa)[i], ((char *const *)pb)[i])
                : spec_equal(f->sub, (const char *)pa + i * f->sub->size,
                             (const char *)pb + i * f->sub->size);
            if (!same)
                return false;
        }
        return true;
    }
    }
    return false;
}

bool spec_equal(const struct spec_type *t, const void *a, const void *b)
{
    size_t fields = t->root_array ? 1 : t->nfields;
    for (size_t i = 0; i < fields; i++)
        if (!field_equal(&t->fields[i], a, b))
            return false;
    return true;
}

/* --- helpers for code that builds documents ------------------------------ */

const char *spec_map_get(char *const *keys, char *const *values, size_t len, const char *key)
{
    for (size_t i = 0; keys && i < len; i++)
        if (strcmp(keys[i], key) == 0)
            return values[i];
    return NULL;
}

int spec_map_set(char ***keys, char ***values, size_t *len, const char *key, const char *value)
{
    char *v = strdup(value);
    if (v == NULL)
        return -1;
    for (size_t i = 0; *keys && i < *len; i++) {
        if (strcmp((*keys)[i], key) == 0) {
            free((*values)[i]);
            (*values)[i] = v;
            return 0;
        }
    }
    char *k = strdup(key);
    char **nk = realloc(*keys, (*len + 1) * sizeof *nk);
    if (nk)
        *keys = nk;
    char **nv = realloc(*values, (*len + 1) * sizeof *nv);
    if (nv)
        *values = nv;
    if (k == NULL || nk == NULL || nv == NULL) {
        free(k);
        free(v);
        return -1;
    }
    (*keys)[*len] = k;
    (*values)[*len] = v;
    (*len)++;
    return 0;
}

int spec_strs_append(char ***v, size_t *len, const char *s)
{
    char *copy = strdup(s);
    char **nv = copy ? realloc(*v, (*len + 1) * sizeof *nv) : NULL;
    if (nv == NULL) {
        free(copy);
        return -1;
    }
    nv[*len] = copy;
    *v = nv;
    (*len)++;
    return 0;
}
