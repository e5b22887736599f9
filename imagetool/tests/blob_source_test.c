/* Blob source records: where a blob is known to be, for mounts on push. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "blob_source.h"
#include "store_fixture.h"

#define D "sha256:1111111111111111111111111111111111111111111111111111111111111111"

Test(blob_source, record_and_find)
{
    char root[STORE_FIXTURE_ROOT_MAX];
    struct store st;
    store_fixture_open(root, &st);
    keel_err err = {0};
    cr_assert_null(blob_source_find(&st, D, "r:5000", "a/x"));
    cr_assert_eq(blob_source_add(&st, D, "r:5000/a/x", &err), 0, "%s", err.msg);
    cr_assert_eq(blob_source_add(&st, D, "r:5000/a/x", &err), 0, "%s", err.msg);
    /* only another repository of the same registry is a mount source */
    cr_assert_null(blob_source_find(&st, D, "r:5000", "a/x"));
    cr_assert_null(blob_source_find(&st, D, "r:500", "b/y"));
    char *got = blob_source_find(&st, D, "r:5000", "b/y");
    cr_assert_str_eq(got, "a/x");
    free(got);
    cr_assert_eq(blob_source_add(&st, D, "other.io/lib/z", &err), 0, "%s", err.msg);
    got = blob_source_find(&st, D, "other.io", "a/x");
    cr_assert_str_eq(got, "lib/z");
    free(got);
    cr_assert_eq(blob_source_add(&st, "sha256:bad", "r:5000/a/x", &err), -1);
    store_fixture_close(root, &st);
}
