/* runc-style option parsing. */
#include <criterion/criterion.h>

#include "options.h"

static const struct keel_option opts[] = {
    {"bundle", 'b', true, 1},
    {"detach", 'd', false, 2},
    {"pid-file", 0, true, 3},
    {NULL, 0, false, 0},
};

static int next(struct keel_option_parser *p, const char **v)
{
    keel_err err;
    return options_next(p, v, &err);
}

Test(options, long_short_and_single_dash_forms)
{
    char *argv[] = {"run", "--bundle", "/b", "-d", "-pid-file=/p", "--detach=false", "id", NULL};
    struct keel_option_parser p = {.options = opts, .argc = 7, .argv = argv, .index = 1};
    const char *v;
    cr_assert_eq(next(&p, &v), 1);
    cr_assert_str_eq(v, "/b");
    cr_assert_eq(next(&p, &v), 2);
    cr_assert_null(v);
    cr_assert(options_bool(v));
    cr_assert_eq(next(&p, &v), 3);
    cr_assert_str_eq(v, "/p");
    cr_assert_eq(next(&p, &v), 2);
    cr_assert_not(options_bool(v));
    cr_assert_eq(next(&p, &v), 0);
    cr_assert_eq(p.index, 6);
}

Test(options, stops_at_operands_and_double_dash)
{
    char *argv[] = {"kill", "--", "-id", NULL};
    struct keel_option_parser p = {.options = opts, .argc = 3, .argv = argv, .index = 1};
    const char *v;
    cr_assert_eq(next(&p, &v), 0);
    cr_assert_eq(p.index, 2);
}

Test(options, errors)
{
    char *argv[] = {"create", "--nope", NULL};
    struct keel_option_parser p = {.options = opts, .argc = 2, .argv = argv, .index = 1};
    const char *v;
    keel_err err = {0};
    cr_assert_eq(options_next(&p, &v, &err), -1);
    cr_assert_str_eq(err.msg, "unknown option --nope");
    char *argv2[] = {"create", "-b", NULL};
    struct keel_option_parser p2 = {.options = opts, .argc = 2, .argv = argv2, .index = 1};
    cr_assert_eq(options_next(&p2, &v, &err), -1);
    cr_assert_str_eq(err.msg, "option -b needs a value");
}

Test(options, numbers)
{
    keel_err err;
    int n = -1;
    cr_assert_eq(options_uint("--preserve-fds", "3", &n, &err), 0);
    cr_assert_eq(n, 3);
    cr_assert_eq(options_uint("--preserve-fds", "x", &n, &err), -1);
    cr_assert_eq(options_uint("--preserve-fds", "-1", &n, &err), -1);
}
