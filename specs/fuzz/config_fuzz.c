/* libFuzzer target for the JSON engine: every input is parsed as each
 * document type (config.json first, with oci_config_validate()); whatever
 * parses must generate, re-parse and compare equal, compact and pretty, and
 * survive spec_copy(). A violated invariant aborts, which libFuzzer reports. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keel/runtime_spec.h"
#include "keel/spec_types.h"

static void check(bool ok, const char *what, const struct spec_type *t, const keel_err *err)
{
    if (!ok) {
        fprintf(stderr, "config_fuzz: %s: %s: %s\n", t->name, what, err->msg);
        abort();
    }
}

static void round_trip(const struct spec_type *t, const void *obj, bool pretty)
{
    keel_err err = {0};
    size_t len;
    char *doc = spec_generate(t, obj, pretty, &len, &err);
    check(doc != NULL, "generate", t, &err);
    void *again = malloc(t->size);
    check(again != NULL && spec_parse(t, doc, len, "generated", again, &err) == 0, "re-parse", t, &err);
    check(spec_equal(t, obj, again), "round trip differs", t, &err);
    spec_release(t, again);
    free(again);
    free(doc);
}

static void fuzz_type(const struct spec_type *t, const uint8_t *data, size_t size)
{
    keel_err err = {0};
    void *obj = malloc(t->size);
    if (obj == NULL)
        return;
    if (spec_parse(t, (const char *)data, size, "fuzz.json", obj, &err) == 0) {
        if (t == &spec_type_oci_config)
            (void)oci_config_validate(obj, "fuzz.json", &err); /* either answer is fine; no crash */
        round_trip(t, obj, false);
        round_trip(t, obj, true);
        void *copy = malloc(t->size);
        check(copy != NULL && spec_copy(t, copy, obj, &err) == 0, "copy", t, &err);
        check(spec_equal(t, obj, copy), "copy differs", t, &err);
        spec_release(t, copy);
        free(copy);
        spec_release(t, obj);
    } else {
        check(err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL, "error is not one line", t, &err);
    }
    free(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; spec_document_types[i] != NULL; i++)
        fuzz_type(spec_document_types[i], data, size);
    return 0;
}
