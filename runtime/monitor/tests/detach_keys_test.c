/* docker's detach keys: parsing and matching in a stream of input. */
#include <criterion/criterion.h>
#include <string.h>

#include "detach_keys.h"

Test(detach_keys, parses_docker_forms)
{
    struct detach_keys k;
    keel_err err;
    cr_assert_eq(detach_keys_parse("ctrl-p,ctrl-q", &k, &err), 0);
    cr_assert_eq(k.len, 2);
    cr_assert_eq(k.seq[0], 0x10);
    cr_assert_eq(k.seq[1], 0x11);
    cr_assert_eq(detach_keys_parse("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_,a,CTRL-A", &k, &err), 0);
    unsigned char want[] = {0, 27, 28, 29, 30, 31, 'a', 1};
    cr_assert_eq(k.len, sizeof want);
    cr_assert_eq(memcmp(k.seq, want, sizeof want), 0);
    cr_assert_eq(detach_keys_parse("", &k, &err), 0);
    cr_assert_eq(k.len, 0);
}

Test(detach_keys, refuses_unknown_keys)
{
    struct detach_keys k;
    keel_err err;
    cr_assert_eq(detach_keys_parse("ctrl-p,ctrl-1", &k, &err), -1);
    cr_assert_str_eq(err.msg, "invalid detach keys (ctrl-p,ctrl-1): unknown key 'ctrl-1': "
                     "Invalid argument");
    cr_assert_eq(detach_keys_parse("ab", &k, &err), -1);
    cr_assert_eq(detach_keys_parse("a,,b", &k, &err), -1);
}

static bool feed(struct detach_keys *k, const char *in, char *out, size_t *len)
{
    return detach_keys_feed(k, (const unsigned char *)in, strlen(in), (unsigned char *)out, len);
}

Test(detach_keys, detaches_on_the_whole_sequence_only)
{
    struct detach_keys k;
    keel_err err;
    char out[64];
    size_t len;
    detach_keys_parse(DETACH_KEYS_DEFAULT, &k, &err);
    cr_assert_not(feed(&k, "ls\r", out, &len));
    cr_assert_eq(len, 3);
    cr_assert(feed(&k, "x\x10\x11y", out, &len));
    cr_assert_eq(len, 1);
    cr_assert_eq(out[0], 'x');
}

Test(detach_keys, passes_on_a_partial_match_that_was_not_one)
{
    struct detach_keys k;
    keel_err err;
    char out[64];
    size_t len;
    detach_keys_parse(DETACH_KEYS_DEFAULT, &k, &err);
    /* ctrl-p held back until the next byte decides, across reads */
    cr_assert_not(feed(&k, "a\x10", out, &len));
    cr_assert_eq(len, 1);
    cr_assert_not(feed(&k, "b", out, &len));
    cr_assert_eq(len, 2);
    cr_assert_eq(memcmp(out, "\x10" "b", 2), 0);
    /* ctrl-p ctrl-p ctrl-q: the first is input, the last two detach */
    cr_assert(feed(&k, "\x10\x10\x11", out, &len));
    cr_assert_eq(len, 1);
    cr_assert_eq(out[0], 0x10);
}

Test(detach_keys, none_passes_everything)
{
    struct detach_keys k;
    keel_err err;
    char out[64];
    size_t len;
    detach_keys_parse("", &k, &err);
    cr_assert_not(feed(&k, "\x10\x11", out, &len));
    cr_assert_eq(len, 2);
}
