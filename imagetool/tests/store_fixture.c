/* The temp-dir store the store and gc suites set up per test (store_fixture.h). */
#include "store_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

void store_fixture_open(char root[STORE_FIXTURE_ROOT_MAX], struct store *st)
{
    snprintf(root, STORE_FIXTURE_ROOT_MAX, "/tmp/keel-store-test-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    keel_err err = {0};
    cr_assert_eq(store_open(st, root, STORE_SHARED, &err), 0, "%s", err.msg);
}

void store_fixture_close(const char *root, struct store *st)
{
    store_close(st);
    remove_tree(root, NULL);
}
