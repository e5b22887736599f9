/* kill's signal names: with and without SIG, any case, numbers, realtime. */
#include <criterion/criterion.h>
#include <signal.h>

#include "signals.h"

Test(signals, names_with_and_without_prefix)
{
    keel_err err;
    cr_assert_eq(signal_parse("KILL", &err), SIGKILL);
    cr_assert_eq(signal_parse("SIGKILL", &err), SIGKILL);
    cr_assert_eq(signal_parse("sigterm", &err), SIGTERM);
    cr_assert_eq(signal_parse("hup", &err), SIGHUP);
    cr_assert_eq(signal_parse("SIGWINCH", &err), SIGWINCH);
}

Test(signals, numbers)
{
    keel_err err;
    cr_assert_eq(signal_parse("9", &err), 9);
    cr_assert_eq(signal_parse("15", &err), 15);
    cr_assert_eq(signal_parse("0", &err), -1);
    cr_assert_eq(signal_parse("-9", &err), -1);
    cr_assert_eq(signal_parse("65", &err), -1);
}

Test(signals, realtime)
{
    keel_err err;
    cr_assert_eq(signal_parse("RTMIN", &err), SIGRTMIN);
    cr_assert_eq(signal_parse("SIGRTMIN+2", &err), SIGRTMIN + 2);
    cr_assert_eq(signal_parse("RTMAX-1", &err), SIGRTMAX - 1);
    cr_assert_eq(signal_parse("RTMIN-1", &err), -1);
}

Test(signals, unknown_names_fail_with_the_name)
{
    keel_err err = {0};
    cr_assert_eq(signal_parse("SIGFOO", &err), -1);
    cr_assert_str_eq(err.msg, "unknown signal SIGFOO");
    cr_assert_eq(signal_parse("", &err), -1);
}
