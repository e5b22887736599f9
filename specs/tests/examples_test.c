/* Every JSON example of the specs (extracted by extract-examples into
 * data/examples/<origin>.<type>.json) parses as its type, and parse ->
 * generate -> parse gives an equal struct, compact and pretty. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "keel/cleanup.h"
#include "keel/spec_types.h"

#define EXAMPLES "data/examples"

/* "runtime-spec-config-12.oci_config.json" -> spec_type of oci_config */
static const struct spec_type *type_of(const char *file)
{
    char name[256];
    snprintf(name, sizeof name, "%s", file);
    char *ext = strrchr(name, '.');
    if (ext == NULL || strcmp(ext, ".json") != 0)
        return NULL;
    *ext = '\0';
    char *dot = strrchr(name, '.');
    return dot ? spec_document_type(dot + 1) : NULL;
}

static void round_trip(const struct spec_type *t, const void *first, bool pretty, const char *file)
{
    keel_err err = {0};
    size_t len;
    cleanup_free char *doc = spec_generate(t, first, pretty, &len, &err);
    cr_assert_not_null(doc, "%s: generate: %s", file, err.msg);
    cleanup_free void *second = malloc(t->size);
    cr_assert_eq(spec_parse(t, doc, len, file, second, &err), 0, "%s: re-parse: %s", file, err.msg);
    cr_expect(spec_equal(t, first, second), "%s: not equal after a round trip through %s", file, doc);
    spec_release(t, second);
}

Test(examples, parse_and_round_trip)
{
    cleanup_dir DIR *d = opendir(EXAMPLES);
    cr_assert_not_null(d, "open " EXAMPLES);
    size_t checked = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        const struct spec_type *t = type_of(e->d_name);
        cr_assert_not_null(t, "%s: no known type in the name", e->d_name);
        char path[512];
        snprintf(path, sizeof path, EXAMPLES "/%s", e->d_name);
        cleanup_free void *obj = malloc(t->size);
        keel_err err = {0};
        cr_expect_eq(spec_parse_file(t, path, obj, &err), 0, "%s", err.msg);
        if (err.msg[0] != '\0')
            continue;
        round_trip(t, obj, false, e->d_name);
        round_trip(t, obj, true, e->d_name);
        spec_release(t, obj);
        checked++;
    }
    /* extract-examples wrote 69 of the specs' 73 examples (4 are not JSON) */
    cr_expect_eq(checked, 69);
}
