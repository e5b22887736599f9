/* The corpus of bad documents: data/bad/<case>.<type>.json must fail with
 * exactly the one line in data/bad/<case>.<type>.err. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keel/cleanup.h"
#include "keel/spec_types.h"

#define BAD "data/bad"

static char *slurp(const char *path, size_t *len)
{
    cleanup_fclose FILE *f = fopen(path, "rbe");
    cr_assert_not_null(f, "open %s", path);
    char *buf = malloc(1 << 20);
    cr_assert_not_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    return buf;
}

Test(bad, each_gives_its_error)
{
    cleanup_dir DIR *d = opendir(BAD);
    cr_assert_not_null(d, "open " BAD);
    size_t checked = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        char base[256], path[512];
        snprintf(base, sizeof base, "%.*s", (int)(n - 5), e->d_name);
        const char *dot = strrchr(base, '.');
        const struct spec_type *t = dot ? spec_document_type(dot + 1) : NULL;
        cr_assert_not_null(t, "%s: no known type in the name", e->d_name);

        size_t len, elen;
        snprintf(path, sizeof path, BAD "/%s.err", base);
        cleanup_free char *want = slurp(path, &elen);
        want[strcspn(want, "\n")] = '\0';
        snprintf(path, sizeof path, BAD "/%s", e->d_name);
        cleanup_free char *doc = slurp(path, &len);

        cleanup_free void *obj = malloc(t->size);
        keel_err err = {0};
        cr_expect_eq(spec_parse(t, doc, len, e->d_name, obj, &err), -1, "%s parsed", e->d_name);
        cr_expect_str_eq(err.msg, want);
        cr_expect_null(strchr(err.msg, '\n'), "%s: the error is not one line", e->d_name);
        checked++;
    }
    cr_expect_geq(checked, 42);
}
