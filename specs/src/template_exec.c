/* Executing a parsed template (template_internal.h) over a JSON document as
 * Go's text/template does over the map docker decodes it into: values print
 * as fmt's %v, a missing field is "<no value>", and the functions are Go's
 * builtins plus docker's (json, join, split, lower, upper, title, pad,
 * truncate). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_tree.h"
#include "template_internal.h"

enum vkind { V_MISSING, V_NULL, V_BOOL, V_NUM, V_STR, V_NODE, V_LIST };

struct value {
    enum vkind k;
    bool b;
    double num;
    const char *s; /* V_STR's bytes; V_NUM's literal */
    size_t len;
    const struct jnode *node; /* V_NODE: an object or an array */
    struct value *items;      /* V_LIST (split's result) */
    size_t n;
};

struct buf {
    char *p;
    size_t len, cap;
};

struct var {
    const char *name;
    struct value v;
};

struct chunk {
    struct chunk *next;
    max_align_t data[];
};

struct exec {
    struct var vars[128];
    size_t nvars;
    struct chunk *arena;
    struct buf *out;
    bool header;
    int line;
    keel_err *err;
    bool failed;
};

static int fail(struct exec *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct exec *x, const char *fmt, ...)
{
    if (!x->failed) {
        char msg[768];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        keel_error(x->err, 0, "template: :%d: executing: %s", x->line, msg);
        x->failed = true;
    }
    return -1;
}

static void *xalloc(struct exec *x, size_t n)
{
    struct chunk *c = calloc(1, sizeof *c + n + 1);
    if (c == NULL) {
        fail(x, "out of memory");
        return NULL;
    }
    c->next = x->arena;
    x->arena = c;
    return c->data;
}

static int put(struct exec *x, struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2 + 64;
        char *p = realloc(b->p, cap);
        if (p == NULL)
            return fail(x, "out of memory");
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static int puts_(struct exec *x, struct buf *b, const char *s)
{
    return put(x, b, s, strlen(s));
}

/* A string value that lives as long as the execution. */
static struct value str_value(struct exec *x, const char *s, size_t n)
{
    char *c = xalloc(x, n);
    if (c != NULL)
        memcpy(c, s, n);
    return (struct value){.k = V_STR, .s = c ? c : "", .len = c ? n : 0};
}

static struct value bool_value(bool b)
{
    return (struct value){.k = V_BOOL, .b = b};
}

static struct value int_value(struct exec *x, long long n)
{
    char lit[32];
    int len = snprintf(lit, sizeof lit, "%lld", n);
    struct value v = str_value(x, lit, (size_t)len);
    v.k = V_NUM;
    v.num = (double)n;
    return v;
}

static struct value from_node(const struct jnode *n)
{
    switch (n->type) {
    case J_NULL: return (struct value){.k = V_NULL, .node = n};
    case J_BOOL: return bool_value(n->boolean);
    case J_NUMBER: return (struct value){.k = V_NUM, .num = strtod(n->text, NULL), .s = n->text, .len = n->text_len};
    case J_STRING: return (struct value){.k = V_STR, .s = n->text, .len = n->text_len};
    default: return (struct value){.k = V_NODE, .node = n};
    }
}

static bool is_int(const struct value *v)
{
    return v->k == V_NUM && memchr(v->s, '.', v->len) == NULL && memchr(v->s, 'e', v->len) == NULL &&
           memchr(v->s, 'E', v->len) == NULL;
}

/* Go's type names, for its error messages. */
static const char *type_name(const struct value *v)
{
    switch (v->k) {
    case V_MISSING: return "<nil>";
    case V_NULL: return "<nil>";
    case V_BOOL: return "bool";
    case V_NUM: return is_int(v) ? "int" : "float64";
    case V_STR: return "string";
    case V_LIST: return "[]string";
    case V_NODE: return v->node->type == J_ARRAY ? "[]interface {}" : "map[string]interface {}";
    }
    return "?";
}

static bool truth(const struct value *v)
{
    switch (v->k) {
    case V_BOOL: return v->b;
    case V_NUM: return v->num != 0;
    case V_STR: return v->len > 0;
    case V_NODE: return v->node->count > 0;
    case V_LIST: return v->n > 0;
    default: return false;
    }
}

/* docker's maps, as opposed to its structs: a missing key of a map is
 * "<no value>", of a struct an error (Go's typed execution, then docker's
 * retry over the raw map with missingkey=error). JSON does not tell them
 * apart: a struct has members, all of them capitalized, and is not one of
 * these fields. */
static bool is_struct(const struct jnode *obj)
{
    static const char *const maps[] = {"Labels", "Label", "Networks", "Ports", "ExposedPorts",
                                       "Volumes", "PortBindings", "Options", "DriverOpts",
                                       "Data", "Annotations", "Sysctls"};
    if (obj->count == 0)
        return false;
    for (size_t i = 0; obj->key != NULL && i < sizeof maps / sizeof maps[0]; i++)
        if (strcmp(obj->key, maps[i]) == 0)
            return false;
    /* LogConfig.Config is a map, a container's Config a struct: the members tell */
    for (const struct jnode *c = obj->first; c != NULL; c = c->next)
        if (!(c->key[0] >= 'A' && c->key[0] <= 'Z'))
            return false;
    return true;
}

/* A null printed as Go prints docker's typed nil: a slice "[]", a map
 * "map[]", a pointer "<nil>"; the field's name tells which. */
static const char *typed_nil(const struct jnode *n)
{
    static const char *const slices[] = {
        "Entrypoint", "Cmd", "Env", "Binds", "Links", "CapAdd", "CapDrop", "Dns", "DnsOptions",
        "DnsSearch", "ExtraHosts", "GroupAdd", "SecurityOpt", "VolumesFrom", "ExecIDs", "OnBuild",
        "DeviceCgroupRules", "DeviceRequests", "SecondaryIPAddresses", "SecondaryIPv6Addresses",
        "Aliases", "Mounts", "Args", "RepoTags", "RepoDigests", "Layers", "Shell", "Ulimits",
        "Devices", "MaskedPaths", "ReadonlyPaths", "Tmpfs"};
    static const char *const maps[] = {"Labels", "Volumes", "ExposedPorts", "Ports",
                                       "PortBindings", "Networks", "DriverOpts", "Options",
                                       "Sysctls", "StorageOpt"};
    const char *key = n != NULL ? n->key : NULL;
    for (size_t i = 0; key != NULL && i < sizeof slices / sizeof slices[0]; i++)
        if (strcmp(key, slices[i]) == 0)
            return "[]";
    for (size_t i = 0; key != NULL && i < sizeof maps / sizeof maps[0]; i++)
        if (strcmp(key, maps[i]) == 0)
            return "map[]";
    return "<nil>";
}

/* ---- printing as fmt's %v ---- */

static int cmp_keys(const void *a, const void *b)
{
    const struct jnode *x = *(const struct jnode *const *)a, *y = *(const struct jnode *const *)b;
    return strcmp(x->key, y->key);
}

/* An object's members sorted by key (Go's maps print and range so), in the arena. */
static const struct jnode **sorted_members(struct exec *x, const struct jnode *obj)
{
    const struct jnode **m = xalloc(x, (obj->count + 1) * sizeof *m);
    if (m == NULL)
        return NULL;
    size_t i = 0;
    for (const struct jnode *c = obj->first; c != NULL; c = c->next)
        m[i++] = c;
    qsort(m, i, sizeof *m, cmp_keys);
    return m;
}

static int print_value(struct exec *x, struct buf *b, const struct value *v, bool nested)
{
    switch (v->k) {
    case V_MISSING: return puts_(x, b, nested ? "<nil>" : "<no value>");
    case V_NULL: return puts_(x, b, typed_nil(v->node));
    case V_BOOL: return puts_(x, b, v->b ? "true" : "false");
    case V_NUM:
    case V_STR: return put(x, b, v->s, v->len);
    case V_LIST:
        puts_(x, b, "[");
        for (size_t i = 0; i < v->n; i++) {
            if (i > 0)
                puts_(x, b, " ");
            print_value(x, b, &v->items[i], true);
        }
        return puts_(x, b, "]");
    case V_NODE:
        break;
    }
    if (v->node->type == J_ARRAY) {
        puts_(x, b, "[");
        for (const struct jnode *c = v->node->first; c != NULL; c = c->next) {
            struct value e = from_node(c);
            print_value(x, b, &e, true);
            if (c->next != NULL)
                puts_(x, b, " ");
        }
        return puts_(x, b, "]");
    }
    if (is_struct(v->node)) {
        /* a struct: its fields' values in order, as Go's %v prints one */
        puts_(x, b, "{");
        for (const struct jnode *c = v->node->first; c != NULL; c = c->next) {
            struct value e = from_node(c);
            print_value(x, b, &e, true);
            if (c->next != NULL)
                puts_(x, b, " ");
        }
        return puts_(x, b, "}");
    }
    const struct jnode **m = sorted_members(x, v->node);
    if (m == NULL)
        return -1;
    puts_(x, b, "map[");
    for (size_t i = 0; i < v->node->count; i++) {
        if (i > 0)
            puts_(x, b, " ");
        puts_(x, b, m[i]->key);
        puts_(x, b, ":");
        struct value e = from_node(m[i]);
        print_value(x, b, &e, true);
    }
    return puts_(x, b, "]");
}

/* The value as a string, as fmt.Sprint would make it. */
static struct value to_string(struct exec *x, const struct value *v)
{
    if (v->k == V_STR)
        return *v;
    struct buf b = {0};
    print_value(x, &b, v, false);
    struct value s = str_value(x, b.p ? b.p : "", b.len);
    free(b.p);
    return s;
}

/* ---- json, as encoding/json without HTML escaping ---- */

static int json_string(struct exec *x, struct buf *b, const char *s, size_t n)
{
    puts_(x, b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\', esc[1] = (char)c;
            put(x, b, esc, 2);
        } else if (c == '\n') {
            puts_(x, b, "\\n");
        } else if (c == '\r') {
            puts_(x, b, "\\r");
        } else if (c == '\t') {
            puts_(x, b, "\\t");
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            puts_(x, b, esc);
        } else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
            puts_(x, b, (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
            i += 2;
        } else {
            put(x, b, (const char *)&s[i], 1);
        }
    }
    return puts_(x, b, "\"");
}

static int json_value(struct exec *x, struct buf *b, const struct value *v)
{
    switch (v->k) {
    case V_MISSING:
    case V_NULL: return puts_(x, b, "null");
    case V_BOOL: return puts_(x, b, v->b ? "true" : "false");
    case V_NUM: return put(x, b, v->s, v->len);
    case V_STR: return json_string(x, b, v->s, v->len);
    case V_LIST:
        puts_(x, b, "[");
        for (size_t i = 0; i < v->n; i++) {
            if (i > 0)
                puts_(x, b, ",");
            json_value(x, b, &v->items[i]);
        }
        return puts_(x, b, "]");
    case V_NODE:
        break;
    }
    bool obj = v->node->type == J_OBJECT;
    puts_(x, b, obj ? "{" : "[");
    for (const struct jnode *c = v->node->first; c != NULL; c = c->next) {
        if (obj) {
            json_string(x, b, c->key, strlen(c->key));
            puts_(x, b, ":");
        }
        struct value e = from_node(c);
        json_value(x, b, &e);
        if (c->next != NULL)
            puts_(x, b, ",");
    }
    return puts_(x, b, obj ? "}" : "]");
}

/* ---- fields, variables, functions ---- */

static struct value field(struct exec *x, const struct value *v, const char *name)
{
    if (v->k == V_MISSING || v->k == V_NULL)
        return (struct value){.k = V_MISSING};
    if (v->k != V_NODE || v->node->type != J_OBJECT) {
        fail(x, "can't evaluate field %s in type %s", name, type_name(v));
        return (struct value){.k = V_MISSING};
    }
    for (const struct jnode *c = v->node->first; c != NULL; c = c->next)
        if (strcmp(c->key, name) == 0)
            return from_node(c);
    if (is_struct(v->node))
        fail(x, "map has no entry for key \"%s\"", name);
    return (struct value){.k = V_MISSING};
}

static struct value chain(struct exec *x, struct value v, char *const *fields, size_t n)
{
    for (size_t i = 0; i < n && !x->failed; i++)
        v = field(x, &v, fields[i]);
    return v;
}

static struct value *lookup_var(struct exec *x, const char *name)
{
    for (size_t i = x->nvars; i-- > 0;)
        if (strcmp(x->vars[i].name, name) == 0)
            return &x->vars[i].v;
    fail(x, "undefined variable: %s", name);
    return NULL;
}

static int push_var(struct exec *x, const char *name, struct value v)
{
    if (x->nvars == sizeof x->vars / sizeof x->vars[0])
        return fail(x, "too many variables");
    x->vars[x->nvars].name = name;
    x->vars[x->nvars].v = v;
    x->nvars++;
    return 0;
}

static struct value eval_pipe(struct exec *x, struct value dot, const struct tpipe *p);

static struct value eval_arg(struct exec *x, struct value dot, const struct targ *a);

typedef struct value builtin(struct exec *x, struct value *args, size_t n);

static bool want(struct exec *x, const char *fn, size_t n, size_t lo, size_t hi)
{
    if (n < lo || n > hi) {
        if (lo == hi)
            fail(x, "wrong number of args for %s: want %zu got %zu", fn, lo, n);
        else
            fail(x, "wrong number of args for %s: want at least %zu got %zu", fn, lo, n);
        return false;
    }
    return true;
}

static struct value fn_and(struct exec *x, struct value *a, size_t n)
{
    if (!want(x, "and", n, 1, SIZE_MAX))
        return a[0];
    for (size_t i = 0; i + 1 < n; i++)
        if (!truth(&a[i]))
            return a[i];
    return a[n - 1];
}

static struct value fn_or(struct exec *x, struct value *a, size_t n)
{
    if (!want(x, "or", n, 1, SIZE_MAX))
        return a[0];
    for (size_t i = 0; i + 1 < n; i++)
        if (truth(&a[i]))
            return a[i];
    return a[n - 1];
}

static struct value fn_not(struct exec *x, struct value *a, size_t n)
{
    return want(x, "not", n, 1, 1) ? bool_value(!truth(&a[0])) : bool_value(false);
}

static struct value fn_len(struct exec *x, struct value *a, size_t n)
{
    if (!want(x, "len", n, 1, 1))
        return int_value(x, 0);
    switch (a[0].k) {
    case V_STR: return int_value(x, (long long)a[0].len);
    case V_LIST: return int_value(x, (long long)a[0].n);
    case V_NODE: return int_value(x, (long long)a[0].node->count);
    default:
        fail(x, "error calling len: len of type %s", type_name(&a[0]));
        return int_value(x, 0);
    }
}

static struct value index_one(struct exec *x, const struct value *v, const struct value *k)
{
    if (v->k == V_MISSING || v->k == V_NULL) {
        fail(x, "error calling index: index of untyped nil");
        return *v;
    }
    bool arr = (v->k == V_NODE && v->node->type == J_ARRAY) || v->k == V_LIST;
    if (arr) {
        if (!is_int(k)) {
            fail(x, "error calling index: cannot index slice/array with type %s", type_name(k));
            return (struct value){.k = V_MISSING};
        }
        long long i = (long long)k->num;
        size_t len = v->k == V_LIST ? v->n : v->node->count;
        if (i < 0 || (size_t)i >= len) {
            fail(x, "error calling index: index out of range: %lld", i);
            return (struct value){.k = V_MISSING};
        }
        if (v->k == V_LIST)
            return v->items[i];
        const struct jnode *c = v->node->first;
        while (i-- > 0)
            c = c->next;
        return from_node(c);
    }
    if (v->k == V_NODE) {
        if (k->k != V_STR) {
            fail(x, "error calling index: value has type %s; should be string", type_name(k));
            return (struct value){.k = V_MISSING};
        }
        for (const struct jnode *c = v->node->first; c != NULL; c = c->next)
            if (strlen(c->key) == k->len && memcmp(c->key, k->s, k->len) == 0)
                return from_node(c);
        /* docker's maps are typed (map[string]string): a missing key is "" */
        return (struct value){.k = V_STR, .s = "", .len = 0};
    }
    fail(x, "error calling index: can't index item of type %s", type_name(v));
    return (struct value){.k = V_MISSING};
}

static struct value fn_index(struct exec *x, struct value *a, size_t n)
{
    if (!want(x, "index", n, 1, SIZE_MAX))
        return (struct value){.k = V_MISSING};
    struct value v = a[0];
    for (size_t i = 1; i < n && !x->failed; i++)
        v = index_one(x, &v, &a[i]);
    return v;
}

/* Go's comparison of basic kinds: -1, 0, 1; 2 when they cannot be ordered. */
static int compare(struct exec *x, const struct value *a, const struct value *b, bool ordered)
{
    if (a->k == V_MISSING || b->k == V_MISSING) {
        fail(x, "error calling %s: invalid type for comparison", ordered ? "lt" : "eq");
        return 2;
    }
    if (a->k == V_NUM && b->k == V_NUM)
        return a->num < b->num ? -1 : a->num > b->num;
    if (a->k == V_STR && b->k == V_STR) {
        size_t n = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->s, b->s, n);
        return c != 0 ? (c > 0) - (c < 0) : (a->len > b->len) - (a->len < b->len);
    }
    if (!ordered && a->k == V_BOOL && b->k == V_BOOL)
        return a->b != b->b;
    if (!ordered && a->k == V_NULL && b->k == V_NULL)
        return 0;
    if (a->k != b->k && (a->k == V_NUM || a->k == V_STR || a->k == V_BOOL) &&
        (b->k == V_NUM || b->k == V_STR || b->k == V_BOOL))
        fail(x, "error calling %s: incompatible types for comparison", ordered ? "lt" : "eq");
    else
        fail(x, "error calling %s: invalid type for comparison", ordered ? "lt" : "eq");
    return 2;
}

static struct value fn_eq(struct exec *x, struct value *a, size_t n)
{
    if (!want(x, "eq", n, 2, SIZE_MAX))
        return bool_value(false);
    for (size_t i = 1; i < n; i++)
        if (compare(x, &a[0], &a[i], false) == 0)
            return bool_value(true);
    return bool_value(false);
}

static struct value fn_ne(struct exec *x, struct value *a, size_t n)
{
    return want(x, "ne", n, 2, 2) ? bool_value(compare(x, &a[0], &a[1], false) != 0)
                                  : bool_value(false);
}

static struct value ordered(struct exec *x, struct value *a, size_t n, const char *fn, int lo, int hi)
{
    if (!want(x, fn, n, 2, 2))
        return bool_value(false);
    int c = compare(x, &a[0], &a[1], true);
    return bool_value(c != 2 && c >= lo && c <= hi);
}

static struct value fn_lt(struct exec *x, struct value *a, size_t n) { return ordered(x, a, n, "lt", -1, -1); }
static struct value fn_le(struct exec *x, struct value *a, size_t n) { return ordered(x, a, n, "le", -1, 0); }
static struct value fn_gt(struct exec *x, struct value *a, size_t n) { return ordered(x, a, n, "gt", 1, 1); }
static struct value fn_ge(struct exec *x, struct value *a, size_t n) { return ordered(x, a, n, "ge", 0, 1); }

static struct value from_buf(struct exec *x, struct buf *b)
{
    struct value v = str_value(x, b->p ? b->p : "", b->len);
    free(b->p);
    return v;
}

/* fmt.Sprint: a space between operands when neither is a string. */
static struct value fn_print(struct exec *x, struct value *a, size_t n)
{
    struct buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && a[i].k != V_STR && a[i - 1].k != V_STR)
            puts_(x, &b, " ");
        print_value(x, &b, &a[i], false);
    }
    return from_buf(x, &b);
}

/* fmt.Sprintln: spaces between all operands, a newline after. */
static struct value fn_println(struct exec *x, struct value *a, size_t n)
{
    struct buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            puts_(x, &b, " ");
        print_value(x, &b, &a[i], false);
    }
    puts_(x, &b, "\n");
    return from_buf(x, &b);
}

/* Go's %!v(type=value) for an operand a verb cannot print. */
static void bad_verb(struct exec *x, struct buf *b, char verb, const struct value *v)
{
    char text[64];
    snprintf(text, sizeof text, "%%!%c(%s=", verb, type_name(v));
    puts_(x, b, text);
    print_value(x, b, v, false);
    puts_(x, b, ")");
}

/* One printf verb with its flags, width and precision. */
static void printf_verb(struct exec *x, struct buf *b, const char *spec, size_t speclen, char verb,
                        const struct value *v)
{
    const char *dot = memchr(spec, '.', speclen);
    int prec = dot != NULL ? atoi(dot + 1) : -1;
    bool left = false, zero = false;
    const char *p = spec;
    for (; p < spec + speclen && strchr("-+ #0", *p) != NULL; p++) {
        left |= *p == '-';
        zero |= *p == '0';
    }
    size_t width = (size_t)strtoul(p, NULL, 10);
    char text[512];
    struct buf tmp = {0};
    bool numeric = false;
    switch (verb) {
    case 'd':
        if (!is_int(v))
            return bad_verb(x, b, verb, v);
        snprintf(text, sizeof text, "%lld", (long long)v->num);
        puts_(x, &tmp, text);
        numeric = true;
        break;
    case 'f':
    case 'e':
    case 'g':
        if (v->k != V_NUM)
            return bad_verb(x, b, verb, v);
        if (verb == 'f')
            snprintf(text, sizeof text, "%.*f", prec < 0 ? 6 : prec, v->num);
        else if (verb == 'e')
            snprintf(text, sizeof text, "%.*e", prec < 0 ? 6 : prec, v->num);
        else
            snprintf(text, sizeof text, "%.*g", prec < 0 ? 17 : prec, v->num);
        puts_(x, &tmp, text);
        numeric = true;
        prec = -1;
        break;
    case 'q': {
        struct value sv = to_string(x, v);
        json_string(x, &tmp, sv.s, sv.len);
        prec = -1;
        break;
    }
    case 'x':
        if (v->k == V_STR) {
            for (size_t i = 0; i < v->len; i++) {
                snprintf(text, sizeof text, "%02x", (unsigned char)v->s[i]);
                puts_(x, &tmp, text);
            }
        } else if (is_int(v)) {
            snprintf(text, sizeof text, "%llx", (long long)v->num);
            puts_(x, &tmp, text);
        } else {
            return bad_verb(x, b, verb, v);
        }
        prec = -1;
        break;
    case 't':
        if (v->k != V_BOOL)
            return bad_verb(x, b, verb, v);
        puts_(x, &tmp, v->b ? "true" : "false");
        break;
    case 's':
        if (v->k == V_NUM || v->k == V_BOOL)
            return bad_verb(x, b, verb, v);
        print_value(x, &tmp, v, false);
        break;
    case 'v':
        print_value(x, &tmp, v, false);
        break;
    case 'T':
        puts_(x, &tmp, type_name(v));
        break;
    default:
        return bad_verb(x, b, verb, v);
    }
    const char *s = tmp.p ? tmp.p : "";
    size_t len = tmp.len;
    if (prec >= 0 && (size_t)prec < len) /* for strings: at most that many bytes */
        len = (size_t)prec;
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        w += ((unsigned char)s[i] & 0xc0) != 0x80;
    for (size_t i = w; !left && i < width; i++)
        puts_(x, b, zero && numeric ? "0" : " ");
    put(x, b, s, len);
    for (size_t i = w; left && i < width; i++)
        puts_(x, b, " ");
    free(tmp.p);
}

static struct value fn_printf(struct exec *x, struct value *a, size_t n)
{
    if (!want(x, "printf", n, 1, SIZE_MAX))
        return str_value(x, "", 0);
    struct value f = to_string(x, &a[0]);
    struct buf b = {0};
    size_t next = 1;
    for (size_t i = 0; i < f.len; i++) {
        if (f.s[i] != '%') {
            put(x, &b, &f.s[i], 1);
            continue;
        }
        size_t start = ++i;
        while (i < f.len && strchr("-+ #0123456789.", f.s[i]) != NULL)
            i++;
        if (i >= f.len) {
            puts_(x, &b, "%!(NOVERB)");
            break;
        }
        if (f.s[i] == '%') {
            puts_(x, &b, "%");
            continue;
        }
        if (next >= n) {
            char miss[16];
            snprintf(miss, sizeof miss, "%%!%c(MISSING)", f.s[i]);
            puts_(x, &b, miss);
            continue;
        }
        printf_verb(x, &b, f.s + start, i - start, f.s[i], &a[next++]);
    }
    if (next < n) {
        puts_(x, &b, "%!(EXTRA ");
        for (size_t i = next; i < n; i++) {
            if (i > next)
                puts_(x, &b, ", ");
            puts_(x, &b, type_name(&a[i]));
            puts_(x, &b, "=");
            print_value(x, &b, &a[i], false);
        }
        puts_(x, &b, ")");
    }
    return from_buf(x, &b);
}

static struct value fn_json(struct exec *x, struct value *a, size_t n)
{
    if (!want(x, "json", n, 1, 1))
        return str_value(x, "", 0);
    struct buf b = {0};
    json_value(x, &b, &a[0]);
    return from_buf(x, &b);
}

static bool want_string(struct exec *x, const char *fn, const struct value *v, size_t argn)
{
    if (v->k == V_STR)
        return true;
    fail(x, "wrong type for value; expected string; got %s (%s, arg %zu)", type_name(v), fn, argn);
    return false;
}

static struct value fn_join(struct exec *x, struct value *a, size_t n)
{
    if (!want(x, "join", n, 2, 2) || !want_string(x, "join", &a[1], 1))
        return str_value(x, "", 0);
    struct buf b = {0};
    if (a[0].k == V_LIST) {
        for (size_t i = 0; i < a[0].n; i++) {
            if (i > 0)
                put(x, &b, a[1].s, a[1].len);
            print_value(x, &b, &a[0].items[i], true);
        }
    } else if (a[0].k == V_NODE && a[0].node->type == J_ARRAY) {
        for (const struct jnode *c = a[0].node->first; c != NULL; c = c->next) {
            if (c->type != J_STRING) {
                free(b.p);
                fail(x, "wrong type for value; expected []string; got []interface {}");
                return str_value(x, "", 0);
            }
            put(x, &b, c->text, c->text_len);
            if (c->next != NULL)
                put(x, &b, a[1].s, a[1].len);
        }
    } else if (a[0].k != V_NULL && a[0].k != V_MISSING) {
        fail(x, "wrong type for value; expected []string; got %s", type_name(&a[0]));
    }
    return from_buf(x, &b);
}

static struct value fn_split(struct exec *x, struct value *a, size_t n)
{
    if (!want(x, "split", n, 2, 2) || !want_string(x, "split", &a[0], 0) ||
        !want_string(x, "split", &a[1], 1))
        return (struct value){.k = V_LIST};
    const char *s = a[0].s, *end = s + a[0].len, *sep = a[1].s;
    size_t seplen = a[1].len, parts = 1;
    if (seplen == 0) {
        parts = a[0].len;
    } else {
        for (const char *p = s; p + seplen <= end;)
            if (memcmp(p, sep, seplen) == 0)
                parts++, p += seplen;
            else
                p++;
    }
    struct value v = {.k = V_LIST, .items = xalloc(x, (parts + 1) * sizeof *v.items)};
    if (v.items == NULL)
        return v;
    const char *start = s;
    for (const char *p = s; seplen > 0 && p + seplen <= end;) {
        if (memcmp(p, sep, seplen) == 0) {
            v.items[v.n++] = str_value(x, start, (size_t)(p - start));
            p += seplen;
            start = p;
        } else {
            p++;
        }
    }
    if (seplen == 0)
        for (size_t i = 0; i < a[0].len; i++)
            v.items[v.n++] = str_value(x, s + i, 1);
    else
        v.items[v.n++] = str_value(x, start, (size_t)(end - start));
    return v;
}

static struct value map_case(struct exec *x, struct value *a, size_t n, const char *fn, int mode)
{
    if (!want(x, fn, n, 1, 1) || !want_string(x, fn, &a[0], 0))
        return str_value(x, "", 0);
    struct value v = str_value(x, a[0].s, a[0].len);
    char *s = (char *)v.s;
    bool word_start = true;
    for (size_t i = 0; i < v.len; i++) {
        char c = s[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (mode == 0 && c >= 'A' && c <= 'Z')
            s[i] = (char)(c - 'A' + 'a');
        else if (mode == 1 && c >= 'a' && c <= 'z')
            s[i] = (char)(c - 'a' + 'A');
        else if (mode == 2 && word_start && c >= 'a' && c <= 'z')
            s[i] = (char)(c - 'a' + 'A');
        /* strings.Title: a word starts after anything but a letter, digit, _ or ' */
        word_start = !(letter || (c >= '0' && c <= '9') || c == '_' || c == '\'' || (c & 0x80));
    }
    return v;
}

static struct value fn_lower(struct exec *x, struct value *a, size_t n) { return map_case(x, a, n, "lower", 0); }
static struct value fn_upper(struct exec *x, struct value *a, size_t n) { return map_case(x, a, n, "upper", 1); }
static struct value fn_title(struct exec *x, struct value *a, size_t n) { return map_case(x, a, n, "title", 2); }

static struct value fn_pad(struct exec *x, struct value *a, size_t n)
{
    if (!want(x, "pad", n, 3, 3) || !want_string(x, "pad", &a[0], 0))
        return str_value(x, "", 0);
    struct buf b = {0};
    for (long long i = 0; i < (long long)a[1].num; i++)
        puts_(x, &b, " ");
    put(x, &b, a[0].s, a[0].len);
    for (long long i = 0; i < (long long)a[2].num; i++)
        puts_(x, &b, " ");
    return from_buf(x, &b);
}

static struct value fn_truncate(struct exec *x, struct value *a, size_t n)
{
    if (!want(x, "truncate", n, 2, 2) || !want_string(x, "truncate", &a[0], 0))
        return str_value(x, "", 0);
    size_t max = (size_t)(a[1].num < 0 ? 0 : a[1].num), runes = 0, i = 0;
    for (; i < a[0].len; i++) {
        if (((unsigned char)a[0].s[i] & 0xc0) != 0x80 && runes++ == max)
            break;
    }
    return str_value(x, a[0].s, i);
}

/* docker's header mode: the formatting functions give back their argument. */
static struct value fn_identity(struct exec *x, struct value *a, size_t n)
{
    return n > 0 ? to_string(x, &a[0]) : str_value(x, "", 0);
}

static const struct {
    const char *name;
    builtin *fn;
    bool formats; /* replaced by fn_identity in header mode */
} builtins[] = {
    {"and", fn_and, false},     {"or", fn_or, false},       {"not", fn_not, false},
    {"len", fn_len, false},     {"index", fn_index, false}, {"eq", fn_eq, false},
    {"ne", fn_ne, false},       {"lt", fn_lt, false},       {"le", fn_le, false},
    {"gt", fn_gt, false},       {"ge", fn_ge, false},       {"print", fn_print, false},
    {"printf", fn_printf, false}, {"println", fn_println, false}, {"json", fn_json, true},
    {"join", fn_join, true},    {"split", fn_split, true},  {"lower", fn_lower, true},
    {"upper", fn_upper, true},  {"title", fn_title, true},  {"pad", fn_pad, true},
    {"truncate", fn_truncate, true},
};

static struct value call(struct exec *x, const char *name, struct value *args, size_t n)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return (x->header && builtins[i].formats ? fn_identity : builtins[i].fn)(x, args, n);
    fail(x, "function \"%s\" not defined", name);
    return (struct value){.k = V_MISSING};
}

static struct value eval_arg(struct exec *x, struct value dot, const struct targ *a)
{
    struct value v = {.k = V_MISSING};
    switch (a->kind) {
    case A_DOT: return dot;
    case A_FIELD: return chain(x, dot, a->fields, a->nfields);
    case A_VAR: {
        struct value *p = lookup_var(x, a->str);
        return p == NULL ? v : chain(x, *p, a->fields, a->nfields);
    }
    case A_STRING: return (struct value){.k = V_STR, .s = a->str, .len = a->str_len};
    case A_NUMBER: return (struct value){.k = V_NUM, .s = a->str, .len = strlen(a->str), .num = strtod(a->str, NULL)};
    case A_BOOL: return bool_value(a->boolean);
    case A_NIL: return (struct value){.k = V_NULL};
    case A_IDENT: return call(x, a->str, NULL, 0);
    case A_PIPE: return chain(x, eval_pipe(x, dot, a->pipe), a->fields, a->nfields);
    }
    return v;
}

static struct value eval_cmd(struct exec *x, struct value dot, const struct tcmd *c,
                             const struct value *piped)
{
    size_t n = 0;
    for (const struct targ *a = c->args; a != NULL; a = a->next)
        n++;
    const struct targ *first = c->args;
    bool fn = first->kind == A_IDENT;
    /* a field given arguments is a method in Go; docker's (.Label "k") index a map */
    bool method = !fn && (n > 1 || piped != NULL) && first->nfields > 0 &&
                  (first->kind == A_FIELD || first->kind == A_VAR);
    if (!fn && !method && (n > 1 || piped != NULL)) {
        fail(x, "can't give argument to non-function %s", first->kind == A_DOT ? "." : "value");
        return (struct value){.k = V_MISSING};
    }
    if (!fn && !method)
        return eval_arg(x, dot, first);
    size_t nargs = n - 1 + (piped != NULL);
    struct value *args = xalloc(x, (nargs + 1) * sizeof *args);
    if (args == NULL)
        return (struct value){.k = V_MISSING};
    size_t i = 0;
    for (const struct targ *a = first->next; a != NULL && !x->failed; a = a->next)
        args[i++] = eval_arg(x, dot, a);
    if (piped != NULL)
        args[i++] = *piped;
    if (x->failed)
        return (struct value){.k = V_MISSING};
    if (fn)
        return call(x, first->str, args, nargs);
    struct value m = eval_arg(x, dot, first);
    if (x->header)
        return to_string(x, &m);
    return nargs == 1 ? index_one(x, &m, &args[0]) : fn_index(x, args, 0);
}

static struct value eval_pipe(struct exec *x, struct value dot, const struct tpipe *p)
{
    int line = x->line;
    x->line = p->line;
    struct value v = {.k = V_MISSING};
    bool first = true;
    for (const struct tcmd *c = p->cmds; c != NULL && !x->failed; c = c->next) {
        v = eval_cmd(x, dot, c, first ? NULL : &v);
        first = false;
    }
    if (p->decl == 1 && p->nvars == 1) {
        push_var(x, p->vars[0], v);
    } else if (p->decl == 2 && p->nvars == 1) {
        struct value *slot = lookup_var(x, p->vars[0]);
        if (slot != NULL)
            *slot = v;
    }
    x->line = line;
    return v;
}

static int walk(struct exec *x, struct value dot, const struct tnode *n);

static int walk_scoped(struct exec *x, struct value dot, const struct tnode *n)
{
    size_t mark = x->nvars;
    int rc = walk(x, dot, n);
    x->nvars = mark;
    return rc;
}

/* One iteration of range: its variables, then the body. */
static int range_step(struct exec *x, const struct tnode *n, struct value key, struct value elem)
{
    size_t mark = x->nvars;
    if (n->pipe->nvars == 1)
        push_var(x, n->pipe->vars[0], elem);
    if (n->pipe->nvars == 2) {
        push_var(x, n->pipe->vars[0], key);
        push_var(x, n->pipe->vars[1], elem);
    }
    int rc = walk(x, elem, n->list);
    x->nvars = mark;
    return rc;
}

static int walk_range(struct exec *x, struct value dot, const struct tnode *n)
{
    struct tpipe plain = *n->pipe;
    plain.decl = 0; /* range's variables are set per element, not to the whole value */
    struct value v = eval_pipe(x, dot, &plain);
    if (x->failed)
        return -1;
    size_t count = 0;
    if (v.k == V_LIST) {
        for (size_t i = 0; i < v.n && !x->failed; i++, count++)
            range_step(x, n, int_value(x, (long long)i), v.items[i]);
    } else if (v.k == V_NODE && v.node->type == J_ARRAY) {
        long long i = 0;
        for (const struct jnode *c = v.node->first; c != NULL && !x->failed; c = c->next, count++)
            range_step(x, n, int_value(x, i++), from_node(c));
    } else if (v.k == V_NODE) {
        const struct jnode **m = sorted_members(x, v.node);
        for (size_t i = 0; m != NULL && i < v.node->count && !x->failed; i++, count++)
            range_step(x, n, str_value(x, m[i]->key, strlen(m[i]->key)), from_node(m[i]));
    } else if (v.k != V_MISSING && v.k != V_NULL) {
        struct value s = to_string(x, &v);
        return fail(x, "range can't iterate over %.*s", (int)s.len, s.s);
    }
    if (count == 0 && n->else_list != NULL)
        return walk_scoped(x, dot, n->else_list);
    return x->failed ? -1 : 0;
}

static int walk(struct exec *x, struct value dot, const struct tnode *n)
{
    for (; n != NULL && !x->failed; n = n->next) {
        switch (n->kind) {
        case T_TEXT:
            put(x, x->out, n->text, n->len);
            break;
        case T_ACTION: {
            struct value v = eval_pipe(x, dot, n->pipe);
            if (n->pipe->decl == 0 && !x->failed)
                print_value(x, x->out, &v, false);
            break;
        }
        case T_IF:
        case T_WITH: {
            size_t mark = x->nvars;
            struct value v = eval_pipe(x, dot, n->pipe);
            if (x->failed)
                break;
            if (truth(&v))
                walk(x, n->kind == T_WITH ? v : dot, n->list);
            else if (n->else_list != NULL)
                walk(x, dot, n->else_list);
            x->nvars = mark;
            break;
        }
        case T_RANGE:
            walk_range(x, dot, n);
            break;
        }
    }
    return x->failed ? -1 : 0;
}

int template_exec_node(const struct keel_template *t, const struct jnode *data, bool header,
                       char **buf, size_t *len, keel_err *err)
{
    struct buf out = {.p = *buf, .len = *len, .cap = *buf != NULL ? *len + 1 : 0};
    struct exec x = {.out = &out, .header = header, .err = err, .line = 1};
    struct value dot = from_node(data);
    push_var(&x, "$", dot);
    walk(&x, dot, t->root);
    put(&x, &out, "", 0);
    while (x.arena != NULL) {
        struct chunk *next = x.arena->next;
        free(x.arena);
        x.arena = next;
    }
    *buf = out.p;
    *len = out.len;
    return x.failed ? -1 : 0;
}

int keel_template_exec(const struct keel_template *t, const char *json, size_t json_len,
                       bool header, char **buf, size_t *len, keel_err *err)
{
    struct jtree tree;
    if (jtree_parse(&tree, json, json_len, "template data", false, err) < 0)
        return -1;
    int rc = template_exec_node(t, tree.root, header, buf, len, err);
    jtree_free(&tree);
    return rc;
}
