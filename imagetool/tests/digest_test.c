/* Digest validation and SHA-256 against known vectors. */
#include <criterion/criterion.h>
#include <string.h>

#include "digest.h"

#define EMPTY "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

Test(digest, known_vectors)
{
    char out[DIGEST_BUF];
    digest_buffer("", 0, out);
    cr_assert_str_eq(out, EMPTY);
    digest_buffer("abc", 3, out);
    cr_assert_str_eq(out, ABC);
}

Test(digest, streaming_equals_one_shot)
{
    keel_err err = {0};
    struct digester *d = digester_new(&err);
    cr_assert_not_null(d, "%s", err.msg);
    digester_update(d, "a", 1);
    digester_update(d, "bc", 2);
    char out[DIGEST_BUF];
    digester_final(d, out);
    cr_assert_str_eq(out, ABC);
    digester_reset(d);
    digester_final(d, out);
    cr_assert_str_eq(out, EMPTY);
    digester_free(d);
}

Test(digest, validation)
{
    keel_err err = {0};
    cr_assert_eq(digest_validate(ABC, &err), 0);
    cr_assert_str_eq(digest_hex(ABC), ABC + 7);
    const char *bad[] = {"sha256:", "sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
                         "sha256:ba7816bf", ABC "00", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                         "sha256:../../../../etc/passwd0000000000000000000000000000000000000000000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(digest_validate(bad[i], &err), -1, "%s accepted", bad[i]);
        cr_assert(strstr(err.msg, "invalid digest") != NULL, "%s", err.msg);
        cr_assert_not(digest_is_valid(bad[i]));
    }
    cr_assert_eq(digest_validate("sha512:abcd", &err), -1);
    cr_assert(strstr(err.msg, "unsupported algorithm") != NULL, "%s", err.msg);
}
