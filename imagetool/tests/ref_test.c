/* Reference parsing and normalization against docker's rules. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "keel/cleanup.h"
#include "ref.h"

struct norm_case {
    char in[200], out[200];
};

static const struct norm_case norm_cases[] = {
    {"busybox", "docker.io/library/busybox:latest"},
    {"busybox:1.36", "docker.io/library/busybox:1.36"},
    {"library/busybox", "docker.io/library/busybox:latest"},
    {"docker.io/busybox", "docker.io/library/busybox:latest"},
    {"index.docker.io/busybox", "docker.io/library/busybox:latest"},
    {"user/app:v1", "docker.io/user/app:v1"},
    {"quay.io/coreos/etcd:v3.5", "quay.io/coreos/etcd:v3.5"},
    {"localhost/app", "localhost/app:latest"},
    {"localhost:5000/app", "localhost:5000/app:latest"},
    {"127.0.0.1:5000/a/b/c:t", "127.0.0.1:5000/a/b/c:t"},
    {"Registry.Example.COM/app", "Registry.Example.COM/app:latest"},
    {"[::1]:5000/app:x", "[::1]:5000/app:x"},
    {"a.b-c/x__y.z-w---v:T_a.g-1", "a.b-c/x__y.z-w---v:T_a.g-1"},
    {"localhost:5000", "docker.io/library/localhost:5000"},
    {"busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
     "docker.io/library/busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
    {"h:1/busybox:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
     "h:1/busybox:t@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
};

ParameterizedTestParameters(ref, normalizes)
{
    return cr_make_param_array(struct norm_case, norm_cases,
                               sizeof norm_cases / sizeof norm_cases[0]);
}

ParameterizedTest(const struct norm_case *c, ref, normalizes)
{
    keel_err err = {0};
    cleanup_free char *out = ref_normalize(c->in, &err);
    cr_assert_not_null(out, "%s: %s", c->in, err.msg);
    cr_assert_str_eq(out, c->out);
}

struct bad_case {
    char in[200], why[40];
};

static const struct bad_case bad_cases[] = {
    {"", "empty"},
    {"Busybox", "must be lowercase"},
    {"docker.io/Library/busybox", "must be lowercase"},
    {"busybox:", "bad tag"},
    {"busybox:-x", "bad tag"},
    {"busybox:a+b", "bad tag"},
    {":tag", "missing repository"},
    {"busybox@sha256:abc", "invalid digest"},
    {"busybox@sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "unsupported"},
    {"a//b", "bad repository path component"},
    {"a/b/", "bad repository path component"},
    {"_a/b", "bad repository path component"},
    {"a/b-", "bad repository path component"},
    {"a/b..c", "bad repository path component"},
    {"a/b___c", "bad repository path component"},
    {"-host.com/b", "bad registry host"},
    {"host.com:/b", "bad registry host"},
    {"host..com/b", "bad registry host"},
    {"host.com:5x/b", "bad registry host"},
    {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "image ID"},
};

ParameterizedTestParameters(ref, refuses)
{
    return cr_make_param_array(struct bad_case, bad_cases, sizeof bad_cases / sizeof bad_cases[0]);
}

ParameterizedTest(const struct bad_case *c, ref, refuses)
{
    keel_err err = {0};
    struct image_ref r;
    cr_assert_eq(ref_parse(c->in, &r, &err), -1, "%s was accepted", c->in);
    cr_assert(strstr(err.msg, c->why) != NULL, "%s: %s", c->in, err.msg);
    if (*c->in != '\0')
        cr_assert(strstr(err.msg, c->in) != NULL, "error does not name the reference: %s", err.msg);
    cr_assert_null(r.domain);
    cr_assert_null(r.path);
}

Test(ref, long_tag_and_name)
{
    keel_err err = {0};
    char tag[140] = "a:";
    memset(tag + 2, 't', 128);
    cleanup_free char *ok = ref_normalize(tag, &err);
    cr_assert_not_null(ok, "%s", err.msg);
    tag[2 + 128] = 't';
    cr_assert_null(ref_normalize(tag, &err));
    char name[300];
    memset(name, 'a', 256);
    name[256] = '\0';
    cr_assert_null(ref_normalize(name, &err));
    cr_assert(strstr(err.msg, "longer than") != NULL, "%s", err.msg);
}

Test(ref, fields_and_hosts)
{
    keel_err err = {0};
    struct image_ref r;
    cr_assert_eq(ref_parse("busybox", &r, &err), 0, "%s", err.msg);
    cr_assert_str_eq(r.domain, "docker.io");
    cr_assert_str_eq(r.path, "library/busybox");
    cr_assert_str_eq(r.tag, "latest");
    cr_assert_null(r.digest);
    cr_assert_str_eq(ref_registry_host(&r), "registry-1.docker.io");
    cr_assert_not(ref_is_loopback(&r));
    cleanup_free char *repo = ref_repository(&r);
    cr_assert_str_eq(repo, "docker.io/library/busybox");
    ref_release(&r);

    const char *loop[] = {"localhost/a", "localhost:5000/a", "127.0.0.1:5000/a", "127.1.2.3/a",
                          "[::1]:80/a"};
    for (size_t i = 0; i < sizeof loop / sizeof loop[0]; i++) {
        cr_assert_eq(ref_parse(loop[i], &r, &err), 0, "%s", err.msg);
        cr_assert(ref_is_loopback(&r), "%s", loop[i]);
        cr_assert_str_eq(ref_registry_host(&r), r.domain);
        ref_release(&r);
    }
    const char *remote[] = {"128.0.0.1/a", "127.example.com/a", "localhost.com/a", "[::2]/a"};
    for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++) {
        cr_assert_eq(ref_parse(remote[i], &r, &err), 0, "%s", err.msg);
        cr_assert_not(ref_is_loopback(&r), "%s", remote[i]);
        ref_release(&r);
    }
}

Test(ref, digest_only_has_no_tag)
{
    keel_err err = {0};
    struct image_ref r;
    const char *s = "x.io/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    cr_assert_eq(ref_parse(s, &r, &err), 0, "%s", err.msg);
    cr_assert_null(r.tag);
    cr_assert_str_eq(r.digest, s + 7);
    ref_release(&r);
}
