/* Layer application on crafted tars: path safety, whiteouts in both targets,
 * faithful metadata, corrupt streams, DiffIDs. Runs as root (ownership,
 * devices, trusted xattrs). */
#include <archive.h>
#include <archive_entry.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "layer_path.h"
#include "unpack.h"

/* One tar member. `type` is AE_IFREG etc.; `link` is a symlink's target,
 * `hardlink` a hard link's. */
struct member {
    const char *name;
    unsigned type;
    unsigned perm;
    const char *data;
    const char *link;
    const char *hardlink;
    unsigned uid, gid;
    unsigned major, minor;
    long mtime;
    const char *xattr, *xvalue;
};

static char workdir[256];

static void make_workdir(void)
{
    snprintf(workdir, sizeof workdir, "/tmp/keel-unpack-test-XXXXXX");
    cr_assert_not_null(mkdtemp(workdir));
}

static void remove_workdir(void)
{
    keel_err err;
    remove_tree_at(AT_FDCWD, workdir, &err);
}

TestSuite(unpack, .init = make_workdir, .fini = remove_workdir);

static char *wpath(const char *rel)
{
    static char buf[8][512];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, 512, "%s/%s", workdir, rel);
    return p;
}

/* Writes members to a tar file with the given libarchive filter. */
static const char *write_tar(const char *file, int filter, const struct member *m, size_t n)
{
    const char *path = wpath(file);
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (filter == ARCHIVE_FILTER_GZIP)
        archive_write_add_filter_gzip(a);
    else if (filter == ARCHIVE_FILTER_ZSTD)
        archive_write_add_filter_zstd(a);
    cr_assert_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, m[i].name);
        archive_entry_set_filetype(e, m[i].type != 0 ? m[i].type : AE_IFREG);
        archive_entry_set_perm(e, m[i].perm != 0 ? m[i].perm : 0644);
        archive_entry_set_uid(e, m[i].uid);
        archive_entry_set_gid(e, m[i].gid);
        archive_entry_set_mtime(e, m[i].mtime != 0 ? m[i].mtime : 1000000000, 0);
        if (m[i].link != NULL)
            archive_entry_set_symlink(e, m[i].link);
        if (m[i].hardlink != NULL)
            archive_entry_set_hardlink(e, m[i].hardlink);
        if (m[i].type == AE_IFCHR || m[i].type == AE_IFBLK)
            archive_entry_set_rdev(e, makedev(m[i].major, m[i].minor));
        if (m[i].xattr != NULL)
            archive_entry_xattr_add_entry(e, m[i].xattr, m[i].xvalue, strlen(m[i].xvalue));
        size_t len = m[i].data != NULL ? strlen(m[i].data) : 0;
        archive_entry_set_size(e, len);
        cr_assert_eq(archive_write_header(a, e), ARCHIVE_OK, "%s", archive_error_string(a));
        if (len > 0)
            cr_assert_eq(archive_write_data(a, m[i].data, len), (la_ssize_t)len);
        archive_entry_free(e);
    }
    cr_assert_eq(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    return path;
}

/* Applies a tar file to dir (made if missing) in the given target mode. */
static int apply(const char *tar, const char *dir, enum layer_target target, keel_err *err)
{
    mkdir(dir, 0755);
    int rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(rootfd, 0);
    int fd = open(tar, O_RDONLY | O_CLOEXEC);
    cr_assert_geq(fd, 0);
    int rc = layer_apply(rootfd, fd, tar, target, NULL, NULL, err);
    close(rootfd);
    return rc;
}

static char *slurp(const char *path)
{
    static char buf[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = '\0';
    return buf;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

Test(unpack, path_clean)
{
    char out[64];
    cr_assert_eq(layer_path_clean("/etc/./passwd", out, sizeof out), 0);
    cr_assert_str_eq(out, "etc/passwd");
    cr_assert_eq(layer_path_clean("./a/b/../c/", out, sizeof out), 0);
    cr_assert_str_eq(out, "a/c");
    cr_assert_eq(layer_path_clean("./", out, sizeof out), 0);
    cr_assert_str_eq(out, "");
    cr_assert_eq(layer_path_clean("a/../../x", out, sizeof out), -1);
    cr_assert_eq(layer_path_clean("/../x", out, sizeof out), -1);
    cr_assert_eq(layer_path_clean("..", out, sizeof out), -1);
}

Test(unpack, regular_entries_are_faithful)
{
    const struct member m[] = {
        {.name = "./", .type = AE_IFDIR, .perm = 0755},
        {.name = "etc", .type = AE_IFDIR, .perm = 0750, .uid = 7, .gid = 8, .mtime = 1234},
        {.name = "etc/hosts", .data = "127.0.0.1 localhost\n", .mtime = 5678, .uid = 1000,
         .gid = 1001, .xattr = "user.keel", .xvalue = "yes"},
        {.name = "etc/suid", .perm = 04755, .uid = 1000, .data = "x"},
        {.name = "etc/sgid", .perm = 02711, .gid = 50, .data = "y"},
        {.name = "etc/link", .type = AE_IFLNK, .link = "hosts", .uid = 3, .gid = 4},
        {.name = "etc/hard", .hardlink = "etc/hosts"},
        {.name = "dev", .type = AE_IFDIR, .perm = 0755},
        {.name = "dev/null", .type = AE_IFCHR, .perm = 0666, .major = 1, .minor = 3},
        {.name = "dev/sda", .type = AE_IFBLK, .perm = 0660, .major = 8, .minor = 0, .gid = 6},
        {.name = "dev/fifo", .type = AE_IFIFO, .perm = 0600},
        {.name = "tmp", .type = AE_IFDIR, .perm = 01777},
        {.name = "deep/er/file", .data = "implicit parents"},
    };
    const char *tar = write_tar("l.tar.gz", ARCHIVE_FILTER_GZIP, m, sizeof m / sizeof m[0]);
    keel_err err;
    cr_assert_eq(apply(tar, wpath("root"), LAYER_OVERLAY, &err), 0, "%s", err.msg);

    struct stat st;
    cr_assert_eq(lstat(wpath("root/etc"), &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
    cr_assert_eq(st.st_mode & 07777, 0750);
    cr_assert_eq(st.st_uid, 7);
    cr_assert_eq(st.st_gid, 8);
    cr_assert_eq(st.st_mtime, 1234, "directory mtime set after its contents");

    cr_assert_str_eq(slurp(wpath("root/etc/hosts")), "127.0.0.1 localhost\n");
    cr_assert_eq(lstat(wpath("root/etc/hosts"), &st), 0);
    cr_assert_eq(st.st_mtime, 5678);
    cr_assert_eq(st.st_uid, 1000);
    cr_assert_eq(st.st_gid, 1001);
    cr_assert_eq(st.st_nlink, 2);
    ino_t ino = st.st_ino;
    char xv[16] = "";
    cr_assert_eq(getxattr(wpath("root/etc/hosts"), "user.keel", xv, sizeof xv), 3);
    cr_assert_str_eq(xv, "yes");
    cr_assert_eq(lstat(wpath("root/etc/hard"), &st), 0);
    cr_assert_eq(st.st_ino, ino);

    cr_assert_eq(lstat(wpath("root/etc/suid"), &st), 0);
    cr_assert_eq(st.st_mode & 07777, 04755);
    cr_assert_eq(st.st_uid, 1000);
    cr_assert_eq(lstat(wpath("root/etc/sgid"), &st), 0);
    cr_assert_eq(st.st_mode & 07777, 02711);
    cr_assert_eq(st.st_gid, 50);

    char target[64] = "";
    cr_assert_eq(readlink(wpath("root/etc/link"), target, sizeof target), 5);
    cr_assert_eq(lstat(wpath("root/etc/link"), &st), 0);
    cr_assert_eq(st.st_uid, 3);
    cr_assert_eq(st.st_gid, 4);

    cr_assert_eq(lstat(wpath("root/dev/null"), &st), 0);
    cr_assert(S_ISCHR(st.st_mode));
    cr_assert_eq(st.st_rdev, makedev(1, 3));
    cr_assert_eq(st.st_mode & 07777, 0666);
    cr_assert_eq(lstat(wpath("root/dev/sda"), &st), 0);
    cr_assert(S_ISBLK(st.st_mode));
    cr_assert_eq(st.st_rdev, makedev(8, 0));
    cr_assert_eq(st.st_gid, 6);
    cr_assert_eq(lstat(wpath("root/dev/fifo"), &st), 0);
    cr_assert(S_ISFIFO(st.st_mode));
    cr_assert_eq(lstat(wpath("root/tmp"), &st), 0);
    cr_assert_eq(st.st_mode & 07777, 01777);
    cr_assert_str_eq(slurp(wpath("root/deep/er/file")), "implicit parents");
}

Test(unpack, climbing_dotdot_is_refused)
{
    const char *names[] = {"../escaped", "a/../../escaped", "/../escaped"};
    for (size_t i = 0; i < 3; i++) {
        const struct member m[] = {
            {.name = "ok", .data = "fine"},
            {.name = names[i], .data = "evil"},
        };
        const char *tar = write_tar("climb.tar", ARCHIVE_FILTER_NONE, m, 2);
        keel_err err;
        cr_assert_eq(apply(tar, wpath("root"), LAYER_FLAT, &err), -1);
        cr_assert(strstr(err.msg, names[i]) != NULL, "error names the entry: %s", err.msg);
        cr_assert(strstr(err.msg, "climbs out") != NULL, "%s", err.msg);
        cr_assert(!exists(wpath("escaped")));
        cr_assert(!exists("/tmp/escaped"));
    }
}

Test(unpack, name_of_4096_bytes_is_too_long_and_printed_whole)
{
    static char name[4097];
    memset(name, 'n', 4096);
    for (size_t i = 100; i < 4096; i += 100)
        name[i] = '/';
    const struct member m[] = {{.name = name, .data = "long"}};
    const char *tar = write_tar("long.tar", ARCHIVE_FILTER_NONE, m, 1);
    keel_err err;
    cr_assert_eq(apply(tar, wpath("root"), LAYER_FLAT, &err), -1);
    cr_assert_eq(err.errnum, ENAMETOOLONG, "%s", err.msg);
    cr_assert(strstr(err.msg, name) != NULL, "error names the whole entry: %s", err.msg);
    cr_assert(strstr(err.msg, "climbs out") == NULL, "%s", err.msg);
    errno = 0;
    cr_assert_eq(layer_path_clean("a/../..", name, 64), -1);
    cr_assert_eq(errno, EPERM);
}

Test(unpack, leading_slash_and_dot_stay_inside)
{
    const struct member m[] = {
        {.name = "/abs", .data = "a"},
        {.name = "./rel", .data = "r"},
        {.name = "/x/./y/../z", .data = "z"},
    };
    const char *tar = write_tar("lead.tar", ARCHIVE_FILTER_NONE, m, 3);
    keel_err err;
    cr_assert_eq(apply(tar, wpath("root"), LAYER_FLAT, &err), 0, "%s", err.msg);
    cr_assert_str_eq(slurp(wpath("root/abs")), "a");
    cr_assert_str_eq(slurp(wpath("root/rel")), "r");
    cr_assert_str_eq(slurp(wpath("root/x/z")), "z");
}

Test(unpack, symlinks_resolve_inside_the_target)
{
    /* An absolute symlink to a real host directory, and a relative one that
     * climbs: files written through them land inside the target. */
    mkdir(wpath("host"), 0755);
    char abs_target[512];
    snprintf(abs_target, sizeof abs_target, "%s", wpath("host"));
    const struct member m[] = {
        {.name = abs_target, .type = AE_IFDIR, .perm = 0755},
        {.name = "host", .type = AE_IFDIR, .perm = 0755},
        {.name = "abs", .type = AE_IFLNK, .link = abs_target},
        {.name = "abs/planted", .data = "through absolute"},
        {.name = "d", .type = AE_IFDIR, .perm = 0755},
        {.name = "d/rel", .type = AE_IFLNK, .link = "../../../../../../host"},
        {.name = "d/rel/planted2", .data = "through relative"},
        {.name = "dangling", .type = AE_IFLNK, .link = "/nowhere"},
    };
    const char *tar = write_tar("sym.tar", ARCHIVE_FILTER_NONE, m, 8);
    keel_err err;
    cr_assert_eq(apply(tar, wpath("root"), LAYER_FLAT, &err), 0, "%s", err.msg);
    cr_assert(!exists(wpath("host/planted")), "nothing written on the host");
    cr_assert(!exists(wpath("host/planted2")));
    char inside[1024];
    snprintf(inside, sizeof inside, "%s%s/planted", wpath("root"), abs_target);
    cr_assert_str_eq(slurp(inside), "through absolute");
    cr_assert_str_eq(slurp(wpath("root/host/planted2")), "through relative");

    /* a file through a dangling symlink fails, as under docker's chroot */
    const struct member d[] = {{.name = "dangling/x", .data = "x"}};
    tar = write_tar("dangling.tar", ARCHIVE_FILTER_NONE, d, 1);
    cr_assert_eq(apply(tar, wpath("root"), LAYER_FLAT, &err), -1);
    cr_assert(strstr(err.msg, "dangling/x") != NULL, "%s", err.msg);
    cr_assert(!exists("/nowhere"));
}

Test(unpack, hard_links_to_outside_are_refused)
{
    int fd = open(wpath("secret"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    cr_assert_geq(fd, 0);
    close(fd);
    const struct member climb[] = {{.name = "h", .hardlink = "../secret"}};
    const char *tar = write_tar("hl.tar", ARCHIVE_FILTER_NONE, climb, 1);
    keel_err err;
    cr_assert_eq(apply(tar, wpath("root"), LAYER_FLAT, &err), -1);
    cr_assert(strstr(err.msg, "entry h") != NULL, "%s", err.msg);
    cr_assert(!exists(wpath("root/h")));

    /* through a symlink to the host directory: resolved inside, so missing */
    char host_dir[512];
    snprintf(host_dir, sizeof host_dir, "%s", workdir);
    const struct member via[] = {
        {.name = "l", .type = AE_IFLNK, .link = host_dir},
        {.name = "h2", .hardlink = "l/secret"},
    };
    tar = write_tar("hl2.tar", ARCHIVE_FILTER_NONE, via, 2);
    cr_assert_eq(apply(tar, wpath("root2"), LAYER_FLAT, &err), -1);
    cr_assert(strstr(err.msg, "entry h2") != NULL, "%s", err.msg);
    struct stat st;
    cr_assert_eq(stat(wpath("secret"), &st), 0);
    cr_assert_eq(st.st_nlink, 1, "the host file got no new link");
}

Test(unpack, whiteouts_become_overlay_marks)
{
    const struct member m[] = {
        {.name = "a", .type = AE_IFDIR, .perm = 0755},
        {.name = "a/.wh.gone", .data = ""},
        {.name = "d", .type = AE_IFDIR, .perm = 0755},
        {.name = "d/.wh..wh..opq", .data = ""},
        {.name = "d/kept", .data = "k"},
        {.name = ".wh..wh.plnk", .type = AE_IFDIR, .perm = 0700},
    };
    const char *tar = write_tar("wh.tar.zst", ARCHIVE_FILTER_ZSTD, m, 6);
    keel_err err;
    cr_assert_eq(apply(tar, wpath("layer"), LAYER_OVERLAY, &err), 0, "%s", err.msg);
    struct stat st;
    cr_assert_eq(lstat(wpath("layer/a/gone"), &st), 0);
    cr_assert(S_ISCHR(st.st_mode));
    cr_assert_eq(st.st_rdev, makedev(0, 0));
    cr_assert(!exists(wpath("layer/a/.wh.gone")));
    char v[4] = "";
    cr_assert_eq(getxattr(wpath("layer/d"), "trusted.overlay.opaque", v, sizeof v), 1);
    cr_assert_eq(v[0], 'y');
    cr_assert(!exists(wpath("layer/d/.wh..wh..opq")));
    cr_assert_str_eq(slurp(wpath("layer/d/kept")), "k");
    cr_assert(!exists(wpath("layer/.wh..wh.plnk")));
}

Test(unpack, whiteouts_delete_in_a_flat_rootfs)
{
    const struct member lower[] = {
        {.name = "a", .type = AE_IFDIR, .perm = 0755},
        {.name = "a/b", .data = "b"},
        {.name = "a/c", .data = "c"},
        {.name = "d", .type = AE_IFDIR, .perm = 0755},
        {.name = "d/x", .data = "x"},
        {.name = "d/sub", .type = AE_IFDIR, .perm = 0755},
        {.name = "d/sub/y", .data = "y"},
        {.name = "f", .data = "file then dir"},
        {.name = "g", .type = AE_IFDIR, .perm = 0755},
        {.name = "g/inner", .data = "dir then file"},
    };
    const struct member upper[] = {
        {.name = "a/.wh.b", .data = ""},
        {.name = "a/z", .data = "z"},
        {.name = "a/.wh.z", .data = ""},    /* same layer: z stays */
        {.name = "d", .type = AE_IFDIR, .perm = 0700},
        {.name = "d/new", .data = "n"},
        {.name = "d/sub", .type = AE_IFDIR, .perm = 0755},
        {.name = "d/.wh..wh..opq", .data = ""}, /* after d/new: applies first anyway */
        {.name = "f", .type = AE_IFDIR, .perm = 0755},
        {.name = "g", .data = "now a file"},
    };
    keel_err err;
    const char *l1 = write_tar("l1.tar.gz", ARCHIVE_FILTER_GZIP, lower, 10);
    const char *l2 = write_tar("l2.tar", ARCHIVE_FILTER_NONE, upper, 9);
    struct layer_source layers[] = {{.blob = l1}, {.blob = l2}};
    cr_assert_eq(rootfs_unpack(wpath("rootfs"), layers, 2, &err), 0, "%s", err.msg);
    cr_assert(!exists(wpath("rootfs/a/b")));
    cr_assert(!exists(wpath("rootfs/a/.wh.b")));
    cr_assert_str_eq(slurp(wpath("rootfs/a/c")), "c");
    cr_assert_str_eq(slurp(wpath("rootfs/a/z")), "z");
    cr_assert(!exists(wpath("rootfs/d/x")));
    cr_assert(exists(wpath("rootfs/d/sub")));
    cr_assert(!exists(wpath("rootfs/d/sub/y")), "lower contents of a rewritten dir stay hidden");
    cr_assert_str_eq(slurp(wpath("rootfs/d/new")), "n");
    cr_assert(!exists(wpath("rootfs/d/.wh..wh..opq")));
    struct stat st;
    cr_assert_eq(lstat(wpath("rootfs/d"), &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0700);
    cr_assert_eq(lstat(wpath("rootfs/f"), &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
    cr_assert_str_eq(slurp(wpath("rootfs/g")), "now a file");
}

static void corrupt(const char *path)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    struct stat st;
    fstat(fd, &st);
    char junk[64];
    memset(junk, 0x5a, sizeof junk);
    cr_assert_eq(pwrite(fd, junk, sizeof junk, st.st_size / 2), (ssize_t)sizeof junk);
    close(fd);
}

static void check_corrupt_stream(int filter, const char *file)
{
    char big[200000];
    for (size_t i = 0; i < sizeof big - 1; i++)
        big[i] = (char)('a' + (i * 7919) % 26);
    big[sizeof big - 1] = '\0';
    const struct member m[] = {
        {.name = "first", .data = "one"},
        {.name = "big", .data = big},
        {.name = "last", .data = "end"},
    };
    const char *tar = write_tar(file, filter, m, 3);
    corrupt(tar);
    keel_err err;
    struct layer_source layers[] = {{.blob = tar}};
    cr_assert_eq(rootfs_unpack(wpath("rootfs"), layers, 1, &err), -1);
    cr_assert(strstr(err.msg, file) != NULL, "%s", err.msg);
    cr_assert(!exists(wpath("rootfs")), "nothing left behind");

    /* into an existing empty directory: emptied, kept */
    mkdir(wpath("empty"), 0755);
    cr_assert_eq(rootfs_unpack(wpath("empty"), layers, 1, &err), -1);
    cr_assert(exists(wpath("empty")));
    cr_assert(!exists(wpath("empty/first")));
}

Test(unpack, corrupt_gzip_is_an_error)
{
    check_corrupt_stream(ARCHIVE_FILTER_GZIP, "bad.tar.gz");
}

Test(unpack, corrupt_zstd_is_an_error)
{
    check_corrupt_stream(ARCHIVE_FILTER_ZSTD, "bad.tar.zst");
}

Test(unpack, climbing_entry_leaves_nothing)
{
    const struct member m[] = {
        {.name = "a", .data = "a"},
        {.name = "../../x", .data = "x"},
    };
    const char *tar = write_tar("c.tar", ARCHIVE_FILTER_NONE, m, 2);
    keel_err err;
    struct layer_source layers[] = {{.blob = tar}};
    cr_assert_eq(rootfs_unpack(wpath("rootfs"), layers, 1, &err), -1);
    cr_assert(!exists(wpath("rootfs")));
}

Test(unpack, non_empty_target_is_refused)
{
    mkdir(wpath("full"), 0755);
    close(open(wpath("full/x"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    const struct member m[] = {{.name = "a", .data = "a"}};
    const char *tar = write_tar("a.tar", ARCHIVE_FILTER_NONE, m, 1);
    keel_err err;
    struct layer_source layers[] = {{.blob = tar}};
    cr_assert_eq(rootfs_unpack(wpath("full"), layers, 1, &err), -1);
    cr_assert(exists(wpath("full/x")), "an existing directory's contents are untouched");
}

static void sha256_file(const char *path, char out[72])
{
    unsigned char md[32];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        EVP_DigestUpdate(ctx, buf, (size_t)n);
    close(fd);
    EVP_DigestFinal_ex(ctx, md, NULL);
    EVP_MD_CTX_free(ctx);
    strcpy(out, "sha256:");
    for (int i = 0; i < 32; i++)
        sprintf(out + 7 + 2 * i, "%02x", md[i]);
}

Test(unpack, diffid_is_checked)
{
    const struct member m[] = {{.name = "a", .data = "a"}, {.name = "b", .data = "bb"}};
    const char *plain = write_tar("p.tar", ARCHIVE_FILTER_NONE, m, 2);
    const char *gz = write_tar("p.tar.gz", ARCHIVE_FILTER_GZIP, m, 2);
    char want[72];
    sha256_file(plain, want);

    char got[72];
    keel_err err;
    mkdir(wpath("r1"), 0755);
    int rootfd = open(wpath("r1"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cr_assert_eq(layer_apply(rootfd, open(gz, O_RDONLY | O_CLOEXEC), "gz", LAYER_OVERLAY, want,
                             got, &err), 0, "%s", err.msg);
    cr_assert_str_eq(got, want);
    close(rootfd);

    const char *wrong = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    struct layer_source layers[] = {{.blob = gz, .diffid = wrong}};
    cr_assert_eq(rootfs_unpack(wpath("r2"), layers, 1, &err), -1);
    cr_assert(strstr(err.msg, "DiffID mismatch") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, want) != NULL, "%s", err.msg);
    cr_assert(!exists(wpath("r2")));
}

Test(unpack, sparse_files_keep_their_holes)
{
    mkdir(wpath("src"), 0755);
    int fd = open(wpath("src/sparse"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    cr_assert_eq(pwrite(fd, "middle", 6, 8 << 20), 6);
    cr_assert_eq(ftruncate(fd, 16 << 20), 0);
    close(fd);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "tar -C %s --sparse --format=posix -cf %s sparse", wpath("src"),
             wpath("sparse.tar"));
    cr_assert_eq(system(cmd), 0);
    keel_err err;
    cr_assert_eq(apply(wpath("sparse.tar"), wpath("root"), LAYER_OVERLAY, &err), 0, "%s",
                 err.msg);
    struct stat st;
    cr_assert_eq(stat(wpath("root/sparse"), &st), 0);
    cr_assert_eq(st.st_size, 16 << 20);
    cr_assert_lt(st.st_blocks * 512, 1 << 20, "holes stay holes: %ld blocks", (long)st.st_blocks);
    fd = open(wpath("root/sparse"), O_RDONLY | O_CLOEXEC);
    char buf[8] = "";
    cr_assert_eq(pread(fd, buf, 6, 8 << 20), 6);
    close(fd);
    cr_assert_str_eq(buf, "middle");
}

Test(unpack, multi_member_and_truncated_gzip)
{
    char big[100000];
    for (size_t i = 0; i < sizeof big - 1; i++)
        big[i] = (char)('a' + (i * 31) % 26);
    big[sizeof big - 1] = '\0';
    const struct member m[] = {{.name = "one", .data = "1"}, {.name = "big", .data = big}};
    const char *plain = write_tar("mm.tar", ARCHIVE_FILTER_NONE, m, 2);
    char want[72];
    sha256_file(plain, want);

    /* the tar split in two, each half its own gzip member, concatenated */
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "head -c 30000 %1$s | gzip -c > %2$s && tail -c +30001 %1$s | gzip -c >> %2$s",
             plain, wpath("mm.tar.gz"));
    cr_assert_eq(system(cmd), 0);
    struct layer_source layers[] = {{.blob = wpath("mm.tar.gz"), .diffid = want}};
    keel_err err;
    cr_assert_eq(rootfs_unpack(wpath("r1"), layers, 1, &err), 0, "%s", err.msg);
    cr_assert_str_eq(slurp(wpath("r1/one")), "1");

    /* the whole stream but its last 12 bytes (part of the trailer and data) */
    snprintf(cmd, sizeof cmd, "gzip -c %s | head -c -12 > %s", plain, wpath("cut.tar.gz"));
    cr_assert_eq(system(cmd), 0);
    layers[0].blob = wpath("cut.tar.gz");
    cr_assert_eq(rootfs_unpack(wpath("r2"), layers, 1, &err), -1);
    cr_assert(strstr(err.msg, "cut.tar.gz") != NULL || strstr(err.msg, "gzip") != NULL, "%s",
              err.msg);
    cr_assert(!exists(wpath("r2")));
}

Test(unpack, gzip_from_a_pipe)
{
    const struct member m[] = {{.name = "piped", .data = "through a pipe"}};
    const char *tar = write_tar("pipe.tar.gz", ARCHIVE_FILTER_GZIP, m, 1);
    int p[2];
    cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(tar, O_RDONLY);
        char buf[4096];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0)
            if (write(p[1], buf, (size_t)n) != n)
                _exit(1);
        _exit(0);
    }
    close(p[1]);
    mkdir(wpath("root"), 0755);
    int rootfd = open(wpath("root"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    keel_err err;
    cr_assert_eq(layer_apply(rootfd, p[0], "pipe", LAYER_FLAT, NULL, NULL, &err), 0, "%s",
                 err.msg);
    close(rootfd);
    cr_assert_str_eq(slurp(wpath("root/piped")), "through a pipe");
}

Test(unpack, queued_files_keep_tar_order)
{
    /* later entries for a path win, hard links find their queued target,
     * and many files pass through the writer pool's bounded queue */
    static char big[3 << 20];
    memset(big, 'b', sizeof big - 1);
    struct member m[400];
    char names[400][32];
    size_t n = 0;
    m[n++] = (struct member){.name = "same", .data = "first"};
    m[n++] = (struct member){.name = "same", .data = "second"};
    m[n++] = (struct member){.name = "link", .hardlink = "same"};
    m[n++] = (struct member){.name = "becomes-dir", .data = "file"};
    m[n++] = (struct member){.name = "becomes-dir", .type = AE_IFDIR, .perm = 0750};
    for (int i = 0; i < 30; i++) {
        snprintf(names[i], sizeof names[i], "big/%02d", i);
        m[n++] = (struct member){.name = names[i], .data = big, .mtime = 1234 + i};
    }
    for (int i = 30; n < 400; i++) {
        snprintf(names[i], sizeof names[i], "d%d/f%d", i % 7, i);
        m[n++] = (struct member){.name = names[i], .data = names[i], .perm = 0600, .uid = 5};
    }
    const char *tar = write_tar("order.tar.gz", ARCHIVE_FILTER_GZIP, m, n);
    keel_err err;
    cr_assert_eq(apply(tar, wpath("root"), LAYER_FLAT, &err), 0, "%s", err.msg);
    cr_assert_str_eq(slurp(wpath("root/same")), "second");
    struct stat a, b;
    cr_assert_eq(stat(wpath("root/same"), &a), 0);
    cr_assert_eq(stat(wpath("root/link"), &b), 0);
    cr_assert_eq(a.st_ino, b.st_ino);
    cr_assert_eq(lstat(wpath("root/becomes-dir"), &a), 0);
    cr_assert(S_ISDIR(a.st_mode));
    cr_assert_eq(stat(wpath("root/big/29"), &a), 0);
    cr_assert_eq(a.st_size, (off_t)sizeof big - 1);
    cr_assert_eq(a.st_mtime, 1234 + 29);
    cr_assert_eq(stat(wpath("root/d3/f31"), &a), 0);
    cr_assert_eq(a.st_uid, 5);
    cr_assert_eq(a.st_mode & 07777, 0600);
    cr_assert_str_eq(slurp(wpath("root/d3/f31")), "d3/f31");
}

/* Whether `path` holds exactly len bytes equal to want. */
static bool holds(const char *path, const char *want, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char *got = malloc(len + 1);
    ssize_t n = got != NULL ? read(fd, got, len + 1) : -1;
    close(fd);
    bool same = n == (ssize_t)len && memcmp(got, want, len) == 0;
    free(got);
    return same;
}

Test(unpack, pooled_files_keep_their_bytes_across_buffers)
{
    /* files whose data straddles the decompressor's 1 MiB buffers: the writer
     * threads write from those buffers (a block split between two comes from
     * libarchive's own copy), so every byte must land where it belongs, for
     * a compressed and a plain layer; enough files that the threads fall
     * behind the reader (a buffer reused while pinned failed this) */
    enum { FILES = 600 };
    struct member m[FILES];
    char names[FILES][16];
    char *data[FILES];
    for (int i = 0; i < FILES; i++) {
        size_t len = (size_t)i * 7919 % 100000 + (i % 50 == 0 ? 1500000 : 1);
        data[i] = malloc(len + 1);
        cr_assert_not_null(data[i]);
        for (size_t j = 0; j < len; j++)
            data[i][j] = (char)('a' + (i * 31 + j / 7) % 26);
        data[i][len] = '\0';
        snprintf(names[i], sizeof names[i], "f%03d", i);
        m[i] = (struct member){.name = names[i], .data = data[i]};
    }
    const int filters[] = {ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_NONE};
    for (size_t f = 0; f < 2; f++) {
        char tar[32], root[32], file[64];
        snprintf(tar, sizeof tar, "bytes%zu.tar", f);
        snprintf(root, sizeof root, "bytes%zu", f);
        keel_err err;
        cr_assert_eq(apply(write_tar(tar, filters[f], m, FILES), wpath(root), LAYER_FLAT, &err),
                     0, "%s", err.msg);
        for (int i = 0; i < FILES; i++) {
            snprintf(file, sizeof file, "bytes%zu/f%03d", f, i);
            cr_assert(holds(wpath(file), data[i], strlen(data[i])), "%s", file);
        }
    }
    for (int i = 0; i < FILES; i++)
        free(data[i]);
}

Test(unpack, symlink_swapped_for_a_directory_mid_layer)
{
    /* a symlink to a host directory, then a directory of the same name, then
     * files in it; and the other way round, with a file queued to the writer
     * pool in the directory the symlink replaces. The layer also has the host
     * directory's path, so the link resolves (inside). Repeated: the pool races. */
    mkdir(wpath("host"), 0755);
    char host_dir[512];
    snprintf(host_dir, sizeof host_dir, "%s", wpath("host"));
    for (int round = 0; round < 20; round++) {
        const struct member m[] = {
            {.name = host_dir, .type = AE_IFDIR, .perm = 0755},
            {.name = "d", .type = AE_IFLNK, .link = host_dir},
            {.name = "d", .type = AE_IFDIR, .perm = 0755},
            {.name = "d/f", .data = "in d"},
            {.name = "e", .type = AE_IFDIR, .perm = 0755},
            {.name = "e/a", .data = "queued"},
            {.name = "e", .type = AE_IFLNK, .link = host_dir},
            {.name = "e/b", .data = "through the new link"},
            {.name = "e/dev", .type = AE_IFCHR, .perm = 0600, .major = 1, .minor = 3},
            {.name = "g", .type = AE_IFDIR, .perm = 0755},
            {.name = "g/a", .data = "queued"},
            {.name = "g/b", .data = "queued"},
            {.name = "g", .data = "a file now"},
        };
        const char *tar = write_tar("swap.tar", ARCHIVE_FILTER_NONE, m, 13);
        char root[64];
        snprintf(root, sizeof root, "root%d", round);
        keel_err err;
        cr_assert_eq(apply(tar, wpath(root), LAYER_FLAT, &err), 0, "round %d: %s", round, err.msg);
        char p[1024];
        snprintf(p, sizeof p, "%s/d/f", wpath(root));
        cr_assert_str_eq(slurp(p), "in d");
        snprintf(p, sizeof p, "%s/g", wpath(root));
        cr_assert_str_eq(slurp(p), "a file now");
        snprintf(p, sizeof p, "%s%s/b", wpath(root), host_dir);
        cr_assert_str_eq(slurp(p), "through the new link");
        snprintf(p, sizeof p, "%s%s/dev", wpath(root), host_dir);
        cr_assert(exists(p), "the device node is inside the target");
        struct stat st;
        snprintf(p, sizeof p, "%s/e", wpath(root));
        cr_assert(lstat(p, &st) == 0 && S_ISLNK(st.st_mode));
        cr_assert(!exists(wpath("host/f")) && !exists(wpath("host/b")) &&
                  !exists(wpath("host/a")) && !exists(wpath("host/dev")),
                  "round %d: written on the host", round);
    }
}

Test(unpack, whiteout_names_cannot_climb_or_be_dot)
{
    int fd = open(wpath("victim"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    cr_assert_geq(fd, 0);
    close(fd);
    const char *names[] = {".wh..", ".wh...", "x/.wh..", "../.wh.victim", "a/../../.wh.victim",
                           "a/.wh.../../../../victim"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        for (int target = LAYER_FLAT; target <= LAYER_OVERLAY; target++) {
            const struct member m[] = {
                {.name = "x", .type = AE_IFDIR, .perm = 0755},
                {.name = names[i], .data = ""},
            };
            const char *tar = write_tar("wh.tar", ARCHIVE_FILTER_NONE, m, 2);
            keel_err err;
            cr_assert_eq(apply(tar, wpath("whroot"), (enum layer_target)target, &err), -1,
                         "%s was accepted", names[i]);
            cr_assert(strstr(err.msg, names[i]) != NULL, "error names the entry: %s", err.msg);
            cr_assert(exists(wpath("victim")), "%s removed a file outside the target", names[i]);
            cr_assert(exists(wpath("whroot")), "%s removed the target", names[i]);
        }
    }
    /* ".wh.." then "/../x" cleans to "x": an ordinary file inside */
    const struct member ok[] = {{.name = ".wh.../../x", .data = "plain"}};
    const char *tar = write_tar("wh2.tar", ARCHIVE_FILTER_NONE, ok, 1);
    keel_err err;
    cr_assert_eq(apply(tar, wpath("whroot2"), LAYER_FLAT, &err), 0, "%s", err.msg);
    cr_assert_str_eq(slurp(wpath("whroot2/x")), "plain");
}

Test(unpack, directory_times_create_nothing)
{
    /* a directory replaced by a symlink to a missing path: setting the old
     * directory's times at the end must not make the link's target */
    const struct member m[] = {
        {.name = "a", .type = AE_IFDIR, .perm = 0755},
        {.name = "a/b", .type = AE_IFDIR, .perm = 0755},
        {.name = "a", .type = AE_IFLNK, .link = "x"},
        {.name = "c", .type = AE_IFDIR, .perm = 0755},
        {.name = "c/d", .type = AE_IFDIR, .perm = 0755},
        {.name = "c", .type = AE_IFLNK, .link = "/"},
    };
    const char *tar = write_tar("times.tar", ARCHIVE_FILTER_NONE, m, 6);
    keel_err err;
    cr_assert_eq(apply(tar, wpath("troot"), LAYER_FLAT, &err), 0, "%s", err.msg);
    cr_assert(!exists(wpath("troot/x")), "the symlink's target was created");
    cr_assert(!exists(wpath("troot/d")), "a directory of the old one was touched through the link");
}
