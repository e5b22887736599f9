/* Hooks' environment: keel's own without "env" (as runc's), exactly "env" otherwise. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "hooks.h"

static int run_env_check(char **env, size_t env_len)
{
    char *args[] = {"sh", "-c", "test \"$KEEL_HOOK_TEST\" = inherited"};
    struct oci_hook h = {.path = "/bin/sh", .args = args, .args_len = 3, .env = env,
                         .env_len = env_len};
    keel_err err = {0};
    return hooks_run(&h, 1, "prestart", "{}", &err);
}

Test(hooks, without_env_inherits_keels)
{
    cr_assert_eq(setenv("KEEL_HOOK_TEST", "inherited", 1), 0);
    cr_assert_eq(run_env_check(NULL, 0), 0);
    char *empty[1] = {NULL};
    cr_assert_eq(run_env_check(empty, 0), -1, "\"env\": [] is an empty environment");
    char *given[] = {"KEEL_HOOK_TEST=given"};
    cr_assert_eq(run_env_check(given, 1), -1, "\"env\" replaces keel's");
    unsetenv("KEEL_HOOK_TEST");
}
