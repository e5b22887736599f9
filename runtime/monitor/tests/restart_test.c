/* Restart policies and docker's back-off. */
#include <criterion/criterion.h>

#include "restart.h"

Test(restart, parses_docker_forms)
{
    struct restart_policy p;
    keel_err err;
    cr_assert_eq(restart_policy_parse("no", &p, &err), 0);
    cr_assert_eq(p.mode, RESTART_NO);
    cr_assert_eq(restart_policy_parse("unless-stopped", &p, &err), 0);
    cr_assert_eq(p.mode, RESTART_UNLESS_STOPPED);
    cr_assert_eq(restart_policy_parse("on-failure:3", &p, &err), 0);
    cr_assert_eq(p.mode, RESTART_ON_FAILURE);
    cr_assert_eq(p.max_retries, 3);
    cr_assert_eq(restart_policy_parse("on-failure", &p, &err), 0);
    cr_assert_eq(p.max_retries, 0);
}

Test(restart, refuses_bad_forms)
{
    struct restart_policy p;
    keel_err err;
    cr_assert_eq(restart_policy_parse("sometimes", &p, &err), -1);
    cr_assert_str_eq(err.msg, "invalid restart policy 'sometimes': use one of 'no', 'always', "
                     "'on-failure' or 'unless-stopped': Invalid argument");
    cr_assert_eq(restart_policy_parse("always:3", &p, &err), -1);
    cr_assert_eq(restart_policy_parse("on-failure:x", &p, &err), -1);
    cr_assert_eq(restart_policy_parse("on-failure:", &p, &err), -1);
    cr_assert_eq(restart_policy_parse("on-failure:-1", &p, &err), -1);
}

Test(restart, on_failure_counts_and_skips_clean_exits)
{
    struct restart_policy p = {RESTART_ON_FAILURE, 3};
    cr_assert(restart_wanted(&p, 1, 0, false));
    cr_assert(restart_wanted(&p, 1, 2, false));
    cr_assert_not(restart_wanted(&p, 1, 3, false));
    cr_assert_not(restart_wanted(&p, 0, 0, false));
    struct restart_policy unlimited = {RESTART_ON_FAILURE, 0};
    cr_assert(restart_wanted(&unlimited, 137, 1000, false));
}

Test(restart, always_until_the_user_stops)
{
    struct restart_policy p = {RESTART_ALWAYS, 0};
    cr_assert(restart_wanted(&p, 0, 5, false));
    cr_assert_not(restart_wanted(&p, 0, 5, true));
    struct restart_policy no = {RESTART_NO, 0};
    cr_assert_not(restart_wanted(&no, 1, 0, false));
}

Test(restart, backoff_doubles_caps_and_resets)
{
    struct restart_backoff b = {0};
    cr_assert_eq(restart_backoff_next(&b, 5), 100);
    cr_assert_eq(restart_backoff_next(&b, 5), 200);
    cr_assert_eq(restart_backoff_next(&b, 5), 400);
    for (int i = 0; i < 20; i++)
        restart_backoff_next(&b, 5);
    cr_assert_eq(restart_backoff_next(&b, 5), 60000);
    /* ten seconds of running start the series again */
    cr_assert_eq(restart_backoff_next(&b, 10000), 100);
    cr_assert_eq(restart_backoff_next(&b, 9999), 200);
}
