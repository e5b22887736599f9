/* COPY's side of the build context: source selection (wildcards, paths out of
 * the context, .dockerignore, FILE.dockerignore), the content checksum in a
 * COPY's cache key (names, modes and content count; mtimes do not) and the
 * file digest memo behind it. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/context.h"
#include "build/filesums.h"
#include "layer_path.h"
#include "store_fixture.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/keel-build-context-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    keel_err err;
    remove_tree_at(AT_FDCWD, dir, &err);
}

TestSuite(build_context, .init = make_dir, .fini = remove_dir);

static void put(const char *rel, const char *data)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f, "%s", p);
    fputs(data, f);
    fclose(f);
}

static void mkd(const char *rel)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    cr_assert_eq(mkdir(p, 0755), 0, "%s", p);
}

static void free_paths(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void checksum(const struct copy_source *src, char *const *paths, size_t n,
                     char out[DIGEST_BUF])
{
    keel_err err = {0};
    struct digester *d = digester_new(&err);
    cr_assert_not_null(d);
    cr_assert_eq(source_checksum(src, paths, n, d, &err), 0, "%s", err.msg);
    digester_final(d, out);
    digester_free(d);
}

Test(build_context, selection_and_ignore)
{
    mkd("src");
    mkd("src/deep");
    put("a.txt", "a");
    put("b.txt", "b");
    put("c.md", "c");
    put("src/deep/x.key", "secret");
    put("src/deep/y", "y");
    put(".dockerignore", "*.md\nsrc/**/*.key\n");
    struct build_context c;
    keel_err err = {0};
    cr_assert_eq(context_open(&c, dir, NULL, &err), 0, "%s", err.msg);
    struct copy_source src = {.rootfd = c.fd, .ignore = &c.ignore};
    char **v = NULL;
    size_t n = 0;
    cr_assert_eq(source_select(&src, "*.txt", &v, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(v[0], "a.txt");
    cr_assert_str_eq(v[1], "b.txt");
    cr_assert_eq(source_select(&src, "./src/../c*", &v, &n, &err), -1, "ignored: not found");
    cr_assert_str_eq(err.msg, "failed to compute cache key: \"/c*\": not found");
    cr_assert_eq(source_select(&src, "c.md", &v, &n, &err), -1);
    cr_assert_eq(source_select(&src, "../etc/passwd", &v, &n, &err), -1);
    cr_assert_str_eq(err.msg, "forbidden path outside the build context: ../etc/passwd");
    cr_assert(source_excluded(&src, "src/deep/x.key"));
    cr_assert(!source_excluded(&src, "src/deep/y"));
    free_paths(v, n);
    context_close(&c);

    /* Dockerfile.dockerignore beside the Dockerfile wins */
    char df[128];
    snprintf(df, sizeof df, "%s/Dockerfile", dir);
    put("Dockerfile.dockerignore", "a.txt\n");
    cr_assert_eq(context_open(&c, dir, df, &err), 0, "%s", err.msg);
    src = (struct copy_source){.rootfd = c.fd, .ignore = &c.ignore};
    v = NULL, n = 0;
    cr_assert_eq(source_select(&src, "*.txt", &v, &n, &err), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(v[0], "b.txt");
    free_paths(v, n);
    context_close(&c);
}

Test(build_context, checksum_counts_content_and_mode_not_mtime)
{
    mkd("t");
    put("t/one", "1");
    put("t/two", "2");
    struct build_context c;
    keel_err err = {0};
    cr_assert_eq(context_open(&c, dir, NULL, &err), 0, "%s", err.msg);
    struct copy_source src = {.rootfd = c.fd, .ignore = &c.ignore};
    char *paths[] = {"t", NULL};
    char a[DIGEST_BUF], b[DIGEST_BUF];
    checksum(&src, paths, 1, a);

    char p[256];
    snprintf(p, sizeof p, "%s/t/one", dir);
    struct timespec ts[2] = {{12345, 0}, {12345, 0}};
    cr_assert_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
    checksum(&src, paths, 1, b);
    cr_assert_str_eq(a, b, "an mtime changes nothing");

    cr_assert_eq(chmod(p, 0600), 0);
    checksum(&src, paths, 1, b);
    cr_assert_str_neq(a, b, "a mode does");
    cr_assert_eq(chmod(p, 0644 & ~022), 0);

    put("t/one", "changed");
    checksum(&src, paths, 1, b);
    cr_assert_str_neq(a, b, "content does");

    put(".dockerignore", "t/two\n");
    context_close(&c);
    cr_assert_eq(context_open(&c, dir, NULL, &err), 0, "%s", err.msg);
    src = (struct copy_source){.rootfd = c.fd, .ignore = &c.ignore};
    char before[DIGEST_BUF];
    checksum(&src, paths, 1, before);
    put("t/two", "ignored files change nothing");
    checksum(&src, paths, 1, b);
    cr_assert_str_eq(before, b);
    context_close(&c);
}

Test(build_context, file_digest_memo)
{
    char root[STORE_FIXTURE_ROOT_MAX];
    struct store st;
    store_fixture_open(root, &st);
    struct filesums *f = filesums_load(&st);
    cr_assert_not_null(f);
    struct stat s = {.st_dev = 1, .st_ino = 42, .st_size = 7, .st_mtim = {100, 5},
                     .st_ctim = {200, 6}};
    char out[DIGEST_BUF];
    cr_assert(!filesums_get(f, &s, out));
    const char *d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    filesums_put(f, &s, d);
    cr_assert(filesums_get(f, &s, out));
    cr_assert_str_eq(out, d);
    keel_err err = {0};
    cr_assert_eq(filesums_save(&st, f, &err), 0, "%s", err.msg);
    filesums_free(f);

    f = filesums_load(&st);
    cr_assert(filesums_get(f, &s, out), "kept across builds");
    cr_assert_str_eq(out, d);
    struct stat changed = s;
    changed.st_ctim.tv_nsec++;
    cr_assert(!filesums_get(f, &changed, out), "any stat change is a miss");
    changed = s;
    changed.st_size++;
    cr_assert(!filesums_get(f, &changed, out));
    filesums_free(f);
    store_fixture_close(root, &st);
}
