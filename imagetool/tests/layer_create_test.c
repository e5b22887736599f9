/* Layer generation: an upper directory in overlay form becomes a blob whose
 * unpack (overlay target) gives the same tree back; clamped mtimes; the same
 * tree gives the same digests. Runs as root (devices, trusted xattrs). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "layer_create.h"
#include "layer_path.h"
#include "store_fixture.h"
#include "unpack.h"
#include "util.h"
#include "whiteout.h"

static char root[STORE_FIXTURE_ROOT_MAX];
static struct store st;

static void setup(void)
{
    store_fixture_open(root, &st);
}

static void teardown(void)
{
    store_fixture_close(root, &st);
}

TestSuite(layer_create, .init = setup, .fini = teardown);

/* dir/rel in one of a ring of buffers; dir must not be one of them. */
static char *at(const char *dir, const char *rel)
{
    static char buf[8][512];
    static int next;
    char *p = buf[next++ % 8];
    cr_assert_lt(strlen(dir) + strlen(rel) + 2, (size_t)512);
    strcpy(p, dir);
    strcat(p, "/");
    strcat(p, rel);
    return p;
}

static void own(char dst[512], const char *dir, const char *rel)
{
    snprintf(dst, 512, "%s/%s", dir, rel);
}

static void put(const char *path, const char *data, mode_t mode, long mtime)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    cr_assert_geq(fd, 0, "%s", path);
    cr_assert_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
    close(fd);
    cr_assert_eq(chmod(path, mode), 0);
    struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
    cr_assert_eq(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

/* An upper directory with every kind of entry. */
static void make_upper(const char *u)
{
    cr_assert_eq(mkdir(u, 0755), 0);
    cr_assert_eq(mkdir(at(u, "etc"), 0750), 0);
    put(at(u, "etc/conf"), "key=value\n", 0640, 2000000000);
    cr_assert_eq(chown(at(u, "etc/conf"), 12, 34), 0);
    cr_assert_eq(link(at(u, "etc/conf"), at(u, "etc/conf.link")), 0);
    cr_assert_eq(symlink("../etc/conf", at(u, "etc/sym")), 0);
    put(at(u, "setuid"), "#!/bin/sh\n", 04755, 1000);
    cr_assert_eq(setxattr(at(u, "setuid"), "user.k", "v", 1, 0), 0);
    cr_assert_eq(mknod(at(u, "gone"), S_IFCHR, makedev(0, 0)), 0);
    cr_assert_eq(mkdir(at(u, "opq"), 0755), 0);
    cr_assert_eq(setxattr(at(u, "opq"), OVERLAY_OPAQUE_XATTR, "y", 1, 0), 0);
    cr_assert_eq(setxattr(at(u, "opq"), "trusted.overlay.origin", "x", 1, 0), 0);
    put(at(u, "opq/new"), "", 0600, 1000);
    cr_assert_eq(mknod(at(u, "fifo"), S_IFIFO | 0644, 0), 0);
}

static void same_stat(const char *a, const char *b, bool mtime)
{
    struct stat x, y;
    cr_assert_eq(lstat(a, &x), 0, "%s", a);
    cr_assert_eq(lstat(b, &y), 0, "%s", b);
    cr_assert_eq(x.st_mode, y.st_mode, "%s: mode %o vs %o", b, x.st_mode, y.st_mode);
    cr_assert_eq(x.st_uid, y.st_uid, "%s", b);
    cr_assert_eq(x.st_gid, y.st_gid, "%s", b);
    cr_assert_eq(x.st_rdev, y.st_rdev, "%s", b);
    if (S_ISREG(x.st_mode))
        cr_assert_eq(x.st_size, y.st_size, "%s", b);
    if (mtime && !S_ISDIR(x.st_mode))
        cr_assert_eq(x.st_mtim.tv_sec, y.st_mtim.tv_sec, "%s", b);
}

static void unpack_into(const struct created_layer *l, const char *dir)
{
    keel_err err = {0};
    cr_assert_eq(mkdir(dir, 0755), 0);
    int rootfd = open(dir, O_RDONLY | O_DIRECTORY);
    char *blob = store_blob_path(&st, l->digest, &err);
    int fd = open(blob, O_RDONLY);
    free(blob);
    cr_assert_geq(fd, 0);
    cr_assert_eq(layer_apply(rootfd, fd, "test", LAYER_OVERLAY, l->diff_id, NULL, &err), 0,
                 "%s", err.msg);
    close(rootfd);
}

Test(layer_create, round_trip_through_unpack)
{
    keel_err err = {0};
    char u[512], out[512];
    own(u, root, "upper");
    own(out, root, "out");
    make_upper(u);
    struct created_layer l;
    cr_assert_eq(layer_create(&st, u, -1, &l, &err), 0, "%s", err.msg);
    cr_assert(store_blob_exists(&st, l.digest, l.size));
    unpack_into(&l, out);
    const char *names[] = {"etc", "etc/conf", "etc/conf.link", "etc/sym", "setuid", "gone",
                           "opq", "opq/new", "fifo"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        same_stat(at(u, names[i]), at(out, names[i]), true);
    struct stat a, b;
    cr_assert_eq(stat(at(out, "etc/conf"), &a), 0);
    cr_assert_eq(stat(at(out, "etc/conf.link"), &b), 0);
    cr_assert_eq(a.st_ino, b.st_ino, "hard link kept");
    char v[8] = {0};
    cr_assert_eq(getxattr(at(out, "opq"), OVERLAY_OPAQUE_XATTR, v, sizeof v), 1);
    cr_assert_eq(getxattr(at(out, "setuid"), "user.k", v, sizeof v), 1);
    cr_assert_eq(getxattr(at(u, "opq"), "trusted.overlay.origin", v, sizeof v), -1,
                 "overlay bookkeeping dropped from the upper");
    char link[64] = {0};
    cr_assert_eq(readlink(at(out, "etc/sym"), link, sizeof link), 11);
    cr_assert_str_eq(link, "../etc/conf");

    /* the directory becomes the stored layer */
    cr_assert_eq(layer_adopt(&st, u, l.diff_id, &err), 0, "%s", err.msg);
    char *dest = store_layer_path(&st, l.diff_id, &err), conf[512];
    own(conf, dest, "etc/conf");
    cr_assert_eq(access(conf, F_OK), 0);
    cr_assert_eq(access(u, F_OK), -1);
    free(dest);
}

Test(layer_create, clamped_and_reproducible)
{
    keel_err err = {0};
    char u1[512], u2[512], out[512];
    own(u1, root, "u1");
    own(u2, root, "u2");
    own(out, root, "out");
    make_upper(u1);
    sleep(1); /* different ctimes and directory mtimes */
    make_upper(u2);
    struct created_layer a, b;
    cr_assert_eq(layer_create(&st, u1, 1500, &a, &err), 0, "%s", err.msg);
    cr_assert_eq(layer_create(&st, u2, 1500, &b, &err), 0, "%s", err.msg);
    cr_assert_str_eq(a.diff_id, b.diff_id);
    cr_assert_str_eq(a.digest, b.digest);
    unpack_into(&a, out);
    struct stat s;
    cr_assert_eq(lstat(at(out, "etc/conf"), &s), 0);
    cr_assert_eq(s.st_mtim.tv_sec, 1500, "clamped");
    cr_assert_eq(lstat(at(out, "setuid"), &s), 0);
    cr_assert_eq(s.st_mtim.tv_sec, 1000, "older times stay");
}
