/* JSON arrays of strings (RUN ["a", "b"]) through the specs engine: the array
 * is parsed as the one member of a wrapping object. */
#include "json_strings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keel/spec.h"

#define JSON_STRINGS(X, T) X(T, STRS, v, "v", _)
SPEC_DECLARE(json_strings, JSON_STRINGS)
SPEC_DEFINE(json_strings, JSON_STRINGS)

int json_strings_parse(const char *text, char ***out, size_t *n)
{
    size_t len = strlen(text);
    if (len < 2 || text[0] != '[' || text[len - 1] != ']')
        return -1;
    char *doc = malloc(len + 8);
    if (doc == NULL)
        return -1;
    snprintf(doc, len + 8, "{\"v\":%s}", text);
    struct json_strings js;
    keel_err err;
    int rc = spec_parse(&spec_type_json_strings, doc, strlen(doc), "exec form", &js, &err);
    free(doc);
    if (rc < 0)
        return -1;
    if (js.v == NULL) {
        spec_release(&spec_type_json_strings, &js);
        return -1;
    }
    char **v = realloc(js.v, (js.v_len + 1) * sizeof *v);
    if (v == NULL) {
        spec_release(&spec_type_json_strings, &js);
        return -1;
    }
    v[js.v_len] = NULL;
    *out = v;
    *n = js.v_len;
    return 0;
}
