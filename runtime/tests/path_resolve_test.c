/* In-root resolution against a tree of hostile symlinks, once through
 * openat2 and once through the fallback walk. No root needed. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path_resolve.h"

static char root[64];
static int rootfd = -1;

static void setup_tree(void)
{
    snprintf(root, sizeof root, "/tmp/keel-test-rt-rootfs-pr-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "set -e; cd '%s'; mkdir -p a/b etc; echo in > etc/inside; touch file;"
             "ln -s /a abs; ln -s ../../../../.. up; ln -s / slash; ln -s /etc/passwd passwd;"
             "ln -s loop2 loop1; ln -s loop1 loop2; ln -s /nonexist/dir dangling;"
             "ln -s '%s' hostroot; ln -s b a/rel; ln -s ../../../.. a/b/deep",
             root, root);
    cr_assert_eq(system(cmd), 0);
    rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(rootfd, 0);
}

static void teardown_tree(void)
{
    close(rootfd);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(path_resolve, .init = setup_tree, .fini = teardown_tree);

static unsigned modes[] = { 0, PATH_NO_OPENAT2 };

/* Asserts that path resolves (with flags) to `expect` relative to the root. */
static void assert_resolves(const char *path, unsigned flags, const char *expect)
{
    keel_err err = { 0 };
    int fd = path_open_in_root(rootfd, path, flags, &err);
    cr_assert_geq(fd, 0, "%s (flags %#x): %s", path, flags, err.msg);
    struct stat got, want;
    char full[256];
    snprintf(full, sizeof full, "%s/%s", root, expect);
    cr_assert_eq(fstat(fd, &got), 0);
    cr_assert_eq(lstat(full, &want), 0, "%s", full);
    cr_assert(got.st_ino == want.st_ino && got.st_dev == want.st_dev,
              "%s (flags %#x) did not resolve to %s", path, flags, expect);
    close(fd);
}

static void assert_fails(const char *path, unsigned flags, int errnum)
{
    keel_err err = { 0 };
    int fd = path_open_in_root(rootfd, path, flags, &err);
    cr_assert_eq(fd, -1, "%s (flags %#x) resolved", path, flags);
    cr_assert_eq(err.errnum, errnum, "%s (flags %#x): %s", path, flags, err.msg);
    cr_assert(strstr(err.msg, path) != NULL, "error does not name the path: %s", err.msg);
}

ParameterizedTestParameters(path_resolve, stays_inside)
{
    return cr_make_param_array(unsigned, modes, 2);
}

ParameterizedTest(unsigned *mode, path_resolve, stays_inside)
{
    assert_resolves("/a/b", *mode, "a/b");
    assert_resolves("a/b", *mode, "a/b");
    assert_resolves("/abs/b", *mode, "a/b");
    assert_resolves("/up/a", *mode, "a");
    assert_resolves("/../../../a/./b/", *mode, "a/b");
    assert_resolves("/slash/slash/a", *mode, "a");
    assert_resolves("/a/rel", *mode, "a/b");
    assert_resolves("/a/b/deep/etc/inside", *mode, "etc/inside");
    assert_resolves("/", *mode, ".");
    assert_resolves("..", *mode, ".");
    assert_resolves("/abs", *mode | PATH_NO_FOLLOW, "abs");
}

ParameterizedTestParameters(path_resolve, refuses)
{
    return cr_make_param_array(unsigned, modes, 2);
}

ParameterizedTest(unsigned *mode, path_resolve, refuses)
{
    /* /etc/passwd of the host is not reachable: the root has no etc/passwd. */
    assert_fails("/passwd", *mode, ENOENT);
    assert_fails("/up/etc/passwd", *mode, ENOENT);
    assert_fails("/loop1", *mode, ELOOP);
    assert_fails("/loop1/x", *mode, ELOOP);
    assert_fails("/dangling", *mode, ENOENT);
    assert_fails("/file/x", *mode, ENOTDIR);
    /* an absolute link naming the root's own host path is taken inside it */
    assert_fails("/hostroot/a", *mode, ENOENT);
}

ParameterizedTestParameters(path_resolve, creates_inside)
{
    return cr_make_param_array(unsigned, modes, 2);
}

ParameterizedTest(unsigned *mode, path_resolve, creates_inside)
{
    char want[128];
    const char *tag = *mode ? "walk" : "openat2";
    /* a dangling link's target is created inside the root, never on the host */
    snprintf(want, sizeof want, "/dangling/%s", tag);
    keel_err err = { 0 };
    int fd = path_open_in_root(rootfd, want, *mode | PATH_CREATE_DIR, &err);
    cr_assert_geq(fd, 0, "%s", err.msg);
    close(fd);
    snprintf(want, sizeof want, "nonexist/dir/%s", tag);
    assert_resolves(want, 0, want);
    cr_assert_eq(access("/nonexist", F_OK), -1, "created on the host");

    snprintf(want, sizeof want, "/up/new-%s/sub/file", tag);
    fd = path_open_in_root(rootfd, want, *mode | PATH_CREATE_FILE, &err);
    cr_assert_geq(fd, 0, "%s", err.msg);
    struct stat st;
    cr_assert_eq(fstat(fd, &st), 0);
    cr_assert(S_ISREG(st.st_mode) && st.st_size == 0);
    close(fd);
    snprintf(want, sizeof want, "new-%s/sub/file", tag);
    assert_resolves(want, 0, want);

    /* creating where a file is in the way fails */
    fd = path_open_in_root(rootfd, "/file/sub", *mode | PATH_CREATE_DIR, &err);
    cr_assert_eq(fd, -1);
    cr_assert_eq(err.errnum, ENOTDIR, "%s", err.msg);
}

Test(path_resolve, parent)
{
    char name[256];
    keel_err err = { 0 };
    int fd = path_open_parent_in_root(rootfd, "/abs/newnode", 0, name, sizeof name, &err);
    cr_assert_geq(fd, 0, "%s", err.msg);
    cr_assert_str_eq(name, "newnode");
    struct stat got, want;
    char full[256];
    snprintf(full, sizeof full, "%s/a", root);
    cr_assert_eq(fstat(fd, &got), 0);
    cr_assert_eq(stat(full, &want), 0);
    cr_assert_eq(got.st_ino, want.st_ino);
    close(fd);
    fd = path_open_parent_in_root(rootfd, "/up/x/y/dev/null", PATH_CREATE_DIR, name, sizeof name, &err);
    cr_assert_geq(fd, 0, "%s", err.msg);
    cr_assert_str_eq(name, "null");
    close(fd);
    snprintf(full, sizeof full, "%s/x/y/dev", root);
    cr_assert_eq(access(full, F_OK), 0);
    cr_assert_eq(path_open_parent_in_root(rootfd, "/a/..", 0, name, sizeof name, &err), -1);
}
