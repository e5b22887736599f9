/* Platform strings and index entry matching. */
#include <criterion/criterion.h>
#include <string.h>

#include "platform.h"

Test(platform, parse)
{
    keel_err err = {0};
    struct platform p;
    cr_assert_eq(platform_parse("linux/arm64/v8", &p, &err), 0);
    cr_assert_str_eq(p.os, "linux");
    cr_assert_str_eq(p.arch, "arm64");
    cr_assert_str_eq(p.variant, "v8");
    cr_assert_eq(platform_parse("linux/amd64", &p, &err), 0);
    cr_assert_str_eq(p.variant, "");
    const char *bad[] = {"linux", "linux/", "/amd64", "a/b/c/d", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(platform_parse(bad[i], &p, &err), -1, "%s accepted", bad[i]);
        cr_assert(strstr(err.msg, "invalid platform") != NULL);
    }
}

Test(platform, host_is_linux)
{
    struct platform p;
    platform_host(&p);
    cr_assert_str_eq(p.os, "linux");
    cr_assert_neq(p.arch[0], '\0');
}

Test(platform, matching)
{
    keel_err err = {0};
    struct platform want;
    struct oci_platform amd = {.os = "linux", .architecture = "amd64"};
    struct oci_platform arm8 = {.os = "linux", .architecture = "arm64", .variant = "v8"};
    struct oci_platform arm = {.os = "linux", .architecture = "arm64"};
    struct oci_platform arm7 = {.os = "linux", .architecture = "arm", .variant = "v7"};
    platform_parse("linux/amd64", &want, &err);
    cr_assert(platform_matches(&want, &amd));
    cr_assert_not(platform_matches(&want, &arm8));
    cr_assert_not(platform_matches(&want, NULL));
    platform_parse("linux/arm64/v8", &want, &err);
    cr_assert(platform_matches(&want, &arm8));
    cr_assert(platform_matches(&want, &arm));
    platform_parse("linux/arm64", &want, &err);
    cr_assert(platform_matches(&want, &arm8));
    platform_parse("linux/arm/v6", &want, &err);
    cr_assert_not(platform_matches(&want, &arm7));
    platform_parse("windows/amd64", &want, &err);
    cr_assert_not(platform_matches(&want, &amd));
    char buf[64];
    cr_assert_str_eq(platform_string("linux", "arm", "v7", buf, sizeof buf), "linux/arm/v7");
    cr_assert_str_eq(platform_string("linux", "amd64", NULL, buf, sizeof buf), "linux/amd64");
}
