/* The table-driven JSON engine: every OCI type is a list of fields, written
 * once as an X-macro that gives both the C struct and the parse/generate table.
 *
 * A type is declared with SPEC_DECLARE(tag, FIELDS) where FIELDS(X, T) expands
 * X(T, KIND, cname, "json", SUB) for each field. Kinds and their C members:
 *   STR      char *cname                                  (NULL when absent)
 *   BOOL     bool cname; bool has_cname
 *   I32 U32 I64 U64   intN_t/uintN_t cname; bool has_cname
 *   OBJ      struct SUB *cname                            (NULL when absent)
 *   STRS     char **cname; size_t cname_len               (array of strings)
 *   U32S     uint32_t *cname; size_t cname_len            (array of integers)
 *   OBJS     struct SUB *cname; size_t cname_len          (array of objects)
 *   MAP      char **cname_keys; char **cname; size_t cname_len   (string -> string)
 *   OBJMAP   char **cname_keys; struct SUB *cname; size_t cname_len
 *   SET      char **cname; size_t cname_len               (keys of {"k": {}, ...})
 * Arrays and maps are NULL when absent and non-NULL (possibly empty) when present,
 * so that parse -> generate -> parse gives equal structs. As with Go's
 * encoding/json, null means absent, unknown members are ignored, and a repeated
 * key (a field or a map entry) keeps its last value. */
#ifndef KEEL_SPEC_H
#define KEEL_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keel/error.h"

/* gnu11 predefines `linux` as 1; the OCI field of that name needs it gone. */
#undef linux

enum spec_kind {
    SPEC_STR, SPEC_BOOL, SPEC_I32, SPEC_U32, SPEC_I64, SPEC_U64,
    SPEC_OBJ, SPEC_STRS, SPEC_U32S, SPEC_OBJS, SPEC_MAP, SPEC_OBJMAP, SPEC_SET,
};

struct spec_type;

struct spec_field {
    const char *json;
    enum spec_kind kind;
    size_t off;      /* the value, or the array/values pointer */
    size_t off_aux;  /* has_ flag for scalars, _len for arrays and maps */
    size_t off_keys; /* _keys for maps */
    const struct spec_type *sub;
};

struct spec_type {
    const char *name;
    size_t size;
    const struct spec_field *fields;
    size_t nfields;
    /* The document is a JSON array of this type's single OBJS field
     * (docker save's manifest.json) rather than an object. */
    bool root_array;
};

/* Parses a JSON document into *out (zeroed first). `source` names the document
 * in errors ("config.json: process.args[1]: expected string, got number").
 * On failure *out holds nothing to free. */
int spec_parse(const struct spec_type *t, const char *buf, size_t len,
               const char *source, void *out, keel_err *err);
/* Reads and parses a file; errors name the file by `path`. */
int spec_parse_file(const struct spec_type *t, const char *path, void *out, keel_err *err);
/* Serializes; returns a malloc'd NUL-terminated string (length in *len when non-NULL). */
char *spec_generate(const struct spec_type *t, const void *obj, bool pretty, size_t *len,
                    keel_err *err);
/* The same, keeping the members of the JSON object orig (a document the
 * struct was parsed from) that are not fields of t, after t's own: a
 * rewrite that does not lose what another program put there. */
char *spec_generate_keeping(const struct spec_type *t, const void *obj, const char *orig,
                            size_t orig_len, bool pretty, size_t *len, keel_err *err);
/* Frees what the struct owns (not the struct itself), and zeroes it. */
void spec_release(const struct spec_type *t, void *obj);
/* Deep copy of src into dst (zeroed first). */
int spec_copy(const struct spec_type *t, void *dst, const void *src, keel_err *err);
bool spec_equal(const struct spec_type *t, const void *a, const void *b);

/* Map helpers for MAP fields: look up a key, or set one (copying both strings). */
const char *spec_map_get(char *const *keys, char *const *values, size_t len, const char *key);
int spec_map_set(char ***keys, char ***values, size_t *len, const char *key, const char *value);
/* Appends a copy of s to a STRS field. */
int spec_strs_append(char ***v, size_t *len, const char *s);

/* --- the X-macro machinery --------------------------------------------- */
#define SPEC_MEMBER(T, KIND, c, json, SUB) SPEC_MEMBER_##KIND(c, SUB)
#define SPEC_MEMBER_STR(c, S) char *c;
#define SPEC_MEMBER_BOOL(c, S) bool c; bool has_##c;
#define SPEC_MEMBER_I32(c, S) int32_t c; bool has_##c;
#define SPEC_MEMBER_U32(c, S) uint32_t c; bool has_##c;
#define SPEC_MEMBER_I64(c, S) int64_t c; bool has_##c;
#define SPEC_MEMBER_U64(c, S) uint64_t c; bool has_##c;
#define SPEC_MEMBER_OBJ(c, S) struct S *c;
#define SPEC_MEMBER_STRS(c, S) char **c; size_t c##_len;
#define SPEC_MEMBER_U32S(c, S) uint32_t *c; size_t c##_len;
#define SPEC_MEMBER_OBJS(c, S) struct S *c; size_t c##_len;
#define SPEC_MEMBER_MAP(c, S) char **c##_keys; char **c; size_t c##_len;
#define SPEC_MEMBER_OBJMAP(c, S) char **c##_keys; struct S *c; size_t c##_len;
#define SPEC_MEMBER_SET(c, S) char **c; size_t c##_len;

#define SPEC_DECLARE(tag, FIELDS)                                              \
    struct tag { FIELDS(SPEC_MEMBER, struct tag) };                           \
    extern const struct spec_type spec_type_##tag;                            \
    void tag##_free(struct tag *p);                                           \
    static inline void tag##_freep(struct tag **p) { tag##_free(*p); }

/* A heap object of a spec type that frees itself: cleanup_spec(oci_config) struct oci_config *c = NULL; */
#define cleanup_spec(tag) __attribute__((cleanup(tag##_freep)))

#define SPEC_ENTRY(T, KIND, c, json, SUB) SPEC_ENTRY_##KIND(T, c, json, SUB),
#define SPEC_ENTRY_SCALAR(T, K, c, json) { json, K, offsetof(T, c), offsetof(T, has_##c), 0, NULL }
#define SPEC_ENTRY_STR(T, c, json, S) { json, SPEC_STR, offsetof(T, c), 0, 0, NULL }
#define SPEC_ENTRY_BOOL(T, c, json, S) SPEC_ENTRY_SCALAR(T, SPEC_BOOL, c, json)
#define SPEC_ENTRY_I32(T, c, json, S) SPEC_ENTRY_SCALAR(T, SPEC_I32, c, json)
#define SPEC_ENTRY_U32(T, c, json, S) SPEC_ENTRY_SCALAR(T, SPEC_U32, c, json)
#define SPEC_ENTRY_I64(T, c, json, S) SPEC_ENTRY_SCALAR(T, SPEC_I64, c, json)
#define SPEC_ENTRY_U64(T, c, json, S) SPEC_ENTRY_SCALAR(T, SPEC_U64, c, json)
#define SPEC_ENTRY_OBJ(T, c, json, S) { json, SPEC_OBJ, offsetof(T, c), 0, 0, &spec_type_##S }
#define SPEC_ENTRY_STRS(T, c, json, S) { json, SPEC_STRS, offsetof(T, c), offsetof(T, c##_len), 0, NULL }
#define SPEC_ENTRY_U32S(T, c, json, S) { json, SPEC_U32S, offsetof(T, c), offsetof(T, c##_len), 0, NULL }
#define SPEC_ENTRY_OBJS(T, c, json, S) { json, SPEC_OBJS, offsetof(T, c), offsetof(T, c##_len), 0, &spec_type_##S }
#define SPEC_ENTRY_MAP(T, c, json, S) { json, SPEC_MAP, offsetof(T, c), offsetof(T, c##_len), offsetof(T, c##_keys), NULL }
#define SPEC_ENTRY_OBJMAP(T, c, json, S) { json, SPEC_OBJMAP, offsetof(T, c), offsetof(T, c##_len), offsetof(T, c##_keys), &spec_type_##S }
#define SPEC_ENTRY_SET(T, c, json, S) { json, SPEC_SET, offsetof(T, c), offsetof(T, c##_len), 0, NULL }

#define SPEC_DEFINE_AS(tag, FIELDS, is_root_array)                             \
    static const struct spec_field spec_fields_##tag[] = { FIELDS(SPEC_ENTRY, struct tag) }; \
    const struct spec_type spec_type_##tag = {                                \
        #tag, sizeof(struct tag), spec_fields_##tag,                          \
        sizeof spec_fields_##tag / sizeof spec_fields_##tag[0], is_root_array }; \
    void tag##_free(struct tag *p)                                            \
    {                                                                         \
        if (p != NULL) {                                                      \
            spec_release(&spec_type_##tag, p);                               \
            free(p);                                                          \
        }                                                                     \
    }
#define SPEC_DEFINE(tag, FIELDS) SPEC_DEFINE_AS(tag, FIELDS, false)

#endif
