/* WWW-Authenticate parsing, credentials from --creds, base64, token scopes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "keel/cleanup.h"

Test(auth, bearer_challenge)
{
    keel_err err = {0};
    struct auth_challenge c;
    cr_assert_eq(auth_parse_challenge("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                                      "scope=\"repository:library/busybox:pull\"", &c, &err), 0, "%s", err.msg);
    cr_assert(auth_is_bearer(&c));
    cr_assert_str_eq(c.realm, "https://auth.docker.io/token");
    cr_assert_str_eq(c.service, "registry.docker.io");
    cr_assert_str_eq(c.scope, "repository:library/busybox:pull");
    auth_challenge_release(&c);

    cr_assert_eq(auth_parse_challenge("bearer  realm=http://h/t?x=1 , scope=\"a\\\"b,c\", error=\"invalid_token\"",
                                      &c, &err), 0, "%s", err.msg);
    cr_assert(auth_is_bearer(&c));
    cr_assert_str_eq(c.realm, "http://h/t?x=1");
    cr_assert_str_eq(c.scope, "a\"b,c");
    cr_assert_null(c.service);
    auth_challenge_release(&c);
}

Test(auth, basic_and_bad_challenges)
{
    keel_err err = {0};
    struct auth_challenge c;
    cr_assert_eq(auth_parse_challenge("Basic realm=\"Registry Realm\"", &c, &err), 0);
    cr_assert(auth_is_basic(&c));
    cr_assert_not(auth_is_bearer(&c));
    cr_assert_str_eq(c.realm, "Registry Realm");
    auth_challenge_release(&c);
    cr_assert_eq(auth_parse_challenge("   ", &c, &err), -1);
    cr_assert_eq(auth_parse_challenge("Bearer service=\"x\"", &c, &err), -1);
    cr_assert(strstr(err.msg, "without a realm") != NULL, "%s", err.msg);
}

Test(auth, creds_and_basic_header)
{
    keel_err err = {0};
    struct auth_creds c;
    cr_assert_eq(auth_creds_parse("alice:pa:ss", &c, &err), 0);
    cr_assert_str_eq(c.user, "alice");
    cr_assert_str_eq(c.pass, "pa:ss");
    cleanup_free char *h = auth_basic_header(&c);
    cr_assert_str_eq(h, "Authorization: Basic YWxpY2U6cGE6c3M=");
    auth_creds_release(&c);
    cr_assert_eq(auth_creds_parse("nopass", &c, &err), -1);
    cr_assert_eq(auth_creds_parse(":x", &c, &err), -1);
}

Test(auth, base64_round_trip)
{
    const char *in[] = {"", "a", "ab", "abc", "abcd", "user:secret"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        cleanup_free char *e = base64_encode(in[i], strlen(in[i]));
        size_t n;
        cleanup_free char *d = base64_decode(e, &n);
        cr_assert_not_null(d);
        cr_assert_eq(n, strlen(in[i]));
        cr_assert_str_eq(d, in[i]);
    }
    cr_assert_null(base64_decode("abc", NULL));
    cr_assert_null(base64_decode("a!c=", NULL));
}

Test(auth, scopes)
{
    cleanup_free char *pull = auth_scope("library/busybox", "pull");
    cleanup_free char *push = auth_scope("team/app", "pull,push");
    cr_assert_str_eq(pull, "repository:library/busybox:pull");
    cr_assert_str_eq(push, "repository:team/app:pull,push");
}
