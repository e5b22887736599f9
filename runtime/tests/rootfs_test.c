/* rootfs_prepare/pivot/finish for real (root only): a child in new mount, pid
 * and uts namespaces builds a busybox rootfs, pivots into it and checks from
 * inside what the container sees. Skipped when not root. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "keel/runtime_spec.h"
#include "rootfs.h"
#include "mounts.h"

static char bundle[128];
static int report_fd = -1; /* the grandchild writes its failure here */

static void setup_bundle(void)
{
    if (geteuid() != 0)
        return;
    snprintf(bundle, sizeof bundle, "/tmp/keel-test-rt-rootfs-XXXXXX");
    cr_assert_not_null(mkdtemp(bundle));
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "set -e; cd '%s'; mkdir -p rootfs/bin rootfs/proc rootfs/dev rootfs/sys outside data;"
             "cp /bin/busybox rootfs/bin/busybox; ln -s busybox rootfs/bin/sh;"
             "echo hello > data/file; ln -s '%s/outside' rootfs/evil;"
             "ln -s ../../../../../../../.. rootfs/up;"
             "mkdir -p rootfs/tc/d; echo A > rootfs/tc/a; ln -s ../a rootfs/tc/d/l; chmod 700 rootfs/tc/d",
             bundle, bundle);
    cr_assert_eq(system(cmd), 0);
}

static void teardown_bundle(void)
{
    if (bundle[0] == '\0')
        return;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", bundle);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(rootfs, .init = setup_bundle, .fini = teardown_bundle, .timeout = 30);

/* Grandchild side: report the first failed check and exit. */
__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (write(report_fd, buf, (size_t)n) < 0)
        _exit(3);
    _exit(1);
}

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

static bool mountinfo_has(const char *needle)
{
    cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
    cleanup_free char *line = NULL;
    size_t cap = 0;
    while (f != NULL && getline(&line, &cap, f) > 0)
        if (strstr(line, needle) != NULL)
            return true;
    return false;
}

/* Runs fn in a grandchild that is pid 1 of new namespaces; returns its
 * report ("" when all checks passed). */
static char *run_contained(void (*fn)(void *), void *arg)
{
    int p[2];
    cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        close(p[0]);
        report_fd = p[1];
        if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC) < 0)
            fail("unshare: %s", strerror(errno));
        pid_t g = fork();
        if (g == 0) {
            fn(arg);
            _exit(0);
        }
        int st;
        if (g < 0 || waitpid(g, &st, 0) != g)
            fail("fork/wait: %s", strerror(errno));
        _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 2);
    }
    close(p[1]);
    static char buf[1024];
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(p[0]);
    int st;
    cr_assert_eq(waitpid(child, &st, 0), child);
    if (buf[0] == '\0' && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        snprintf(buf, sizeof buf, "grandchild died (status %#x)", st);
    return buf;
}

static void parse_config(const char *json, struct oci_config *cfg)
{
    keel_err err = { 0 };
    if (spec_parse(&spec_type_oci_config, json, strlen(json), "config.json", cfg, &err) < 0)
        fail("parse: %s", err.msg);
}

static const char full_config[] =
    "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
    "\"mounts\":["
    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
    "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
    "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\"]},"
    "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
    "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
    "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
    "\"options\":[\"rprivate\",\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]},"
    "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"data\","
    "\"options\":[\"rbind\",\"ro\",\"rprivate\"]},"
    "{\"destination\":\"/data-rw/sub\",\"source\":\"data\",\"options\":[\"bind\"]},"
    "{\"destination\":\"/evil\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
    "{\"destination\":\"/tc\",\"type\":\"tmpfs\",\"options\":[\"tmpcopyup\",\"ro\"]},"
    "{\"destination\":\"/up/escaped\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}"
    "],"
    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"},"
    "{\"type\":\"ipc\"}],"
    "\"devices\":[{\"path\":\"/dev/mydev\",\"type\":\"c\",\"major\":1,\"minor\":5,"
    "\"fileMode\":8576,\"uid\":1000,\"gid\":1001},"
    "{\"path\":\"/dev/ptmx\",\"type\":\"c\",\"major\":5,\"minor\":2,\"fileMode\":8630},"
    "{\"path\":\"/dev/sub/fifo\",\"type\":\"p\"}],"
    "\"sysctl\":{\"kernel.domainname\":\"keel.test\",\"kernel.shmmni\":\"1000\"},"
    "\"maskedPaths\":[\"/proc/kcore\",\"/proc/timer_list\",\"/proc/acpi\",\"/proc/does-not-exist\",\"/sys/firmware\"],"
    "\"readonlyPaths\":[\"/proc/sys\",\"/proc/sysrq-trigger\",\"/data-rw/sub/file\"]}}";

static void read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail("open %s: %s", path, strerror(errno));
    ssize_t n = read(fd, buf, size - 1);
    if (n < 0)
        fail("read %s: %s", path, strerror(errno));
    buf[n] = '\0';
    close(fd);
}

static void check_write_refused(const char *path, int expect)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    CHECK(fd < 0 && errno == expect, "write %s: expected %s, got fd %d (%s)", path,
          strerror(expect), fd, strerror(errno));
}

static void check_char_dev(const char *path, unsigned maj, unsigned min)
{
    struct stat st;
    CHECK(lstat(path, &st) == 0, "stat %s: %s", path, strerror(errno));
    CHECK(S_ISCHR(st.st_mode) && major(st.st_rdev) == maj && minor(st.st_rdev) == min,
          "%s is not %u:%u", path, maj, min);
}

static void check_link(const char *path, const char *target)
{
    char buf[256];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    CHECK(n > 0, "readlink %s: %s", path, strerror(errno));
    buf[n] = '\0';
    CHECK(strcmp(buf, target) == 0, "%s -> %s, expected %s", path, buf, target);
}

static void full_container(void *unused)
{
    (void)unused;
    struct oci_config cfg;
    keel_err err = { 0 };
    parse_config(full_config, &cfg);
    struct rootfs_opts o = { .bundle = bundle };
    if (rootfs_prepare(&cfg, &o, &err) < 0)
        fail("rootfs_prepare: %s", err.msg);

    /* Before pivot: the symlinked destinations stayed inside the rootfs. */
    char path[1024];
    struct statfs sfs;
    snprintf(path, sizeof path, "%s/outside", bundle);
    CHECK(statfs(path, &sfs) == 0 && sfs.f_type != TMPFS_MAGIC, "mount escaped to %s", path);
    snprintf(path, sizeof path, "%s/rootfs%s/outside", bundle, bundle);
    CHECK(statfs(path, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC, "no tmpfs at %s", path);
    snprintf(path, sizeof path, "%s/rootfs/escaped", bundle);
    CHECK(statfs(path, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC, "no tmpfs at %s", path);
    CHECK(access("/escaped", F_OK) < 0, "/escaped created on the host");

    if (rootfs_pivot(&cfg, &o, &err) < 0)
        fail("rootfs_pivot: %s", err.msg);
    if (rootfs_finish(&cfg, &err) < 0)
        fail("rootfs_finish: %s", err.msg);

    struct stat st;
    CHECK(stat("/bin/busybox", &st) == 0, "no /bin/busybox after pivot");
    snprintf(path, sizeof path, "%s/outside", bundle);
    CHECK(stat(path, &st) == 0, "in-root copy of %s missing", path);
    CHECK(!mountinfo_has(" /rootfs "), "old root still visible");

    check_char_dev("/dev/null", 1, 3);
    check_char_dev("/dev/zero", 1, 5);
    check_char_dev("/dev/full", 1, 7);
    check_char_dev("/dev/random", 1, 8);
    check_char_dev("/dev/urandom", 1, 9);
    check_char_dev("/dev/tty", 5, 0);
    check_char_dev("/dev/mydev", 1, 5);
    CHECK(lstat("/dev/mydev", &st) == 0 && (st.st_mode & 07777) == 0600 && st.st_uid == 1000 &&
          st.st_gid == 1001, "/dev/mydev mode %o owner %u:%u", st.st_mode, st.st_uid, st.st_gid);
    CHECK(lstat("/dev/sub/fifo", &st) == 0 && S_ISFIFO(st.st_mode), "/dev/sub/fifo not a FIFO");
    check_link("/dev/ptmx", "pts/ptmx");
    check_link("/dev/fd", "/proc/self/fd");
    check_link("/dev/stdin", "/proc/self/fd/0");
    check_link("/dev/stderr", "/proc/self/fd/2");
    CHECK(stat("/dev/pts/ptmx", &st) == 0 && S_ISCHR(st.st_mode), "no /dev/pts/ptmx");
    CHECK(mountinfo_has(" /dev/mqueue ") && mountinfo_has(" /dev/shm "), "no mqueue or shm");
    CHECK(getpid() == 1 && readlink("/proc/self", path, sizeof path) > 0 && atoi(path) == 1,
          "/proc is not the container's");

    char buf[256];
    read_file("/proc/timer_list", buf, sizeof buf);
    CHECK(buf[0] == 0, "/proc/timer_list not masked");
    CHECK(statfs("/proc/acpi", &sfs) != 0 || sfs.f_type == TMPFS_MAGIC, "/proc/acpi not masked");
    CHECK(statfs("/sys/firmware", &sfs) == 0 && sfs.f_type == TMPFS_MAGIC, "/sys/firmware not masked");
    check_write_refused("/sys/firmware/x", EROFS);
    read_file("/proc/sys/kernel/domainname", buf, sizeof buf);
    CHECK(strcmp(buf, "keel.test\n") == 0, "domainname is %s", buf);
    check_write_refused("/proc/sys/kernel/domainname", EROFS);
    check_write_refused("/newfile", EROFS);
    check_write_refused("/sys/kernel/x", EROFS);

    read_file("/data/file", buf, sizeof buf);
    CHECK(strcmp(buf, "hello\n") == 0, "/data/file holds %s", buf);
    check_write_refused("/data/new", EROFS);
    check_write_refused("/data-rw/sub/file", EROFS);
    int fd = open("/data-rw/sub/new", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    CHECK(fd >= 0, "rw bind refused a write: %s", strerror(errno));
    close(fd);
    unlink("/data-rw/sub/new");

    CHECK(statfs("/tc", &sfs) == 0 && sfs.f_type == TMPFS_MAGIC, "/tc not a tmpfs");
    read_file("/tc/a", buf, sizeof buf);
    CHECK(strcmp(buf, "A\n") == 0, "tmpcopyup: /tc/a holds %s", buf);
    check_link("/tc/d/l", "../a");
    CHECK(stat("/tc/d", &st) == 0 && (st.st_mode & 07777) == 0700, "tmpcopyup: /tc/d mode %o",
          st.st_mode);
    check_write_refused("/tc/new", EROFS);

    CHECK(statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == TMPFS_MAGIC, "cgroup root not tmpfs");
    CHECK(statfs("/sys/fs/cgroup/memory", &sfs) == 0 && sfs.f_type == CGROUP_SUPER_MAGIC,
          "/sys/fs/cgroup/memory not a cgroup");
    check_write_refused("/sys/fs/cgroup/memory/x", EROFS);

    pid_t sh = fork();
    if (sh == 0) {
        execl("/bin/sh", "sh", "-c", "test \"$(cat /proc/timer_list)\" = '' && echo ok > /dev/shm/ok",
              (char *)NULL);
        _exit(127);
    }
    int status;
    CHECK(waitpid(sh, &status, 0) == sh && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "busybox sh failed: %#x", status);
    spec_release(&spec_type_oci_config, &cfg);
}

Test(rootfs, full_container)
{
    if (geteuid() != 0)
        cr_skip("needs root");
    const char *report = run_contained(full_container, NULL);
    cr_assert_str_empty(report, "%s", report);
}

static void bad_mount(void *unused)
{
    (void)unused;
    struct oci_config cfg;
    keel_err err = { 0 };
    parse_config("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                 "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"},"
                 "{\"destination\":\"/x\",\"type\":\"nosuchfs\",\"source\":\"none\"}]}",
                 &cfg);
    struct rootfs_opts o = { .bundle = bundle };
    CHECK(rootfs_prepare(&cfg, &o, &err) == -1, "a bad mount succeeded");
    CHECK(strcmp(err.msg, "mounts[1]: mount nosuchfs on /x: No such device") == 0,
          "error reads: %s", err.msg);
    spec_release(&spec_type_oci_config, &cfg);
}

Test(rootfs, error_names_mount)
{
    if (geteuid() != 0)
        cr_skip("needs root");
    const char *report = run_contained(bad_mount, NULL);
    cr_assert_str_empty(report, "%s", report);
}

static const char small_config[] =
    "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"%s/rootfs\"},"
    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"mode=755\"]},"
    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
    "\"options\":[\"newinstance\",\"ptmxmode=0666\"]}],"
    "\"linux\":{\"rootfsPropagation\":\"%s\",\"maskedPaths\":[\"/proc/timer_list\"]}}";

/* Arrays, not pointers: criterion copies parameters into a re-executed worker. */
struct small_case {
    char propagation[16], mountinfo_root[16]; /* expected in / 's mountinfo line */
    bool no_pivot, in_userns, console;
};

static void small_container(void *arg)
{
    const struct small_case *c = arg;
    char json[2048], console[64] = "";
    snprintf(json, sizeof json, small_config, bundle, c->propagation);
    struct oci_config cfg;
    keel_err err = { 0 };
    parse_config(json, &cfg);
    struct stat pty = { 0 };
    if (c->console) {
        int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        CHECK(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0 &&
              ptsname_r(m, console, sizeof console) == 0 && stat(console, &pty) == 0,
              "pty: %s", strerror(errno));
    }
    struct rootfs_opts o = { .bundle = "/nonexistent", .no_pivot = c->no_pivot,
                             .in_userns = c->in_userns, .console_path = c->console ? console : NULL };
    if (rootfs_prepare(&cfg, &o, &err) < 0 || rootfs_pivot(&cfg, &o, &err) < 0 ||
        rootfs_finish(&cfg, &err) < 0)
        fail("%s", err.msg);
    struct stat st;
    CHECK(stat("/bin/busybox", &st) == 0, "no /bin/busybox in the new root");
    check_char_dev("/dev/null", 1, 3);
    CHECK(mountinfo_has(" /dev/null ") == c->in_userns, "/dev/null bind mount: expected %d",
          c->in_userns);
    if (c->console) {
        CHECK(stat("/dev/console", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == pty.st_rdev,
              "/dev/console is not %s", console);
    }
    char buf[64];
    read_file("/proc/timer_list", buf, sizeof buf);
    CHECK(buf[0] == '\0', "/proc/timer_list not masked");
    cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
    cleanup_free char *line = NULL;
    size_t cap = 0;
    bool found = false;
    while (f != NULL && getline(&line, &cap, f) > 0) {
        char mnt[256];
        if (sscanf(line, "%*s %*s %*s %*s %255s", mnt) == 1 && strcmp(mnt, "/") == 0) {
            found = true;
            bool plain = strstr(line, "shared:") == NULL && strstr(line, "master:") == NULL;
            CHECK(c->mountinfo_root[0] == '\0' ? plain : strstr(line, c->mountinfo_root) != NULL,
                  "/ is %s, expected %s", line, c->mountinfo_root);
        }
    }
    CHECK(found, "no / in mountinfo");
    spec_release(&spec_type_oci_config, &cfg);
}

static struct small_case small_cases[] = {
    { "private", "", false, false, false },
    { "shared", "shared:", false, true, true },
    { "slave", "", true, false, true },
    { "unbindable", "unbindable", false, false, false },
};

ParameterizedTestParameters(rootfs, variants)
{
    return cr_make_param_array(struct small_case, small_cases,
                                sizeof small_cases / sizeof small_cases[0]);
}

ParameterizedTest(struct small_case *c, rootfs, variants)
{
    if (geteuid() != 0)
        cr_skip("needs root");
    const char *report = run_contained(small_container, c);
    cr_assert_str_empty(report, "%s (propagation %s, no_pivot %d, in_userns %d)", report,
                        c->propagation, c->no_pivot, c->in_userns);
}

static void idmapped(void *unused)
{
    (void)unused;
    struct oci_config cfg;
    keel_err err = { 0 };
    parse_config("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"mounts\":["
                 "{\"destination\":\"/idm\",\"type\":\"bind\",\"source\":\"data\","
                 "\"options\":[\"rbind\",\"idmap\"],"
                 "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":10}],"
                 "\"gidMappings\":[{\"containerID\":0,\"hostID\":2000,\"size\":10}]}]}",
                 &cfg);
    /* keel makes the idmapped mount on the host side, the init attaches it */
    struct rootfs_opts o = { .bundle = bundle };
    CHECK(rootfs_prepare(&cfg, &o, &err) == -1 && strstr(err.msg, "not prepared") != NULL,
          "an idmapped mount keel did not make: %s", err.msg);
    int fd;
    if (mount_idmap_count(&cfg) != 1 || mount_idmap_prepare(&cfg, bundle, -1, &fd, &err) < 0)
        fail("mount_idmap_prepare: %s", err.msg);
    o.idmapped = &fd;
    if (rootfs_prepare(&cfg, &o, &err) < 0)
        fail("rootfs_prepare: %s", err.msg);
    close(fd);
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/rootfs/idm/file", bundle);
    CHECK(stat(path, &st) == 0 && st.st_uid == 1000 && st.st_gid == 2000,
          "%s owned by %u:%u, expected 1000:2000 through the idmapped mount", path, st.st_uid,
          st.st_gid);
    spec_release(&spec_type_oci_config, &cfg);

    /* Without mappings and without a user namespace the spec demands an error. */
    parse_config("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"mounts\":["
                 "{\"destination\":\"/idm2\",\"type\":\"bind\",\"source\":\"data\","
                 "\"options\":[\"bind\",\"idmap\"]}]}",
                 &cfg);
    CHECK(mount_idmap_prepare(&cfg, bundle, -1, &fd, &err) == -1 &&
              strstr(err.msg, "mounts[0]: ") == err.msg &&
              strstr(err.msg, "user namespace") != NULL,
          "idmap without mappings: %s", err.msg);
    spec_release(&spec_type_oci_config, &cfg);
}

Test(rootfs, idmap)
{
    if (geteuid() != 0)
        cr_skip("needs root");
    const char *report = run_contained(idmapped, NULL);
    cr_assert_str_empty(report, "%s", report);
}

/* The host's hierarchies somewhere other than /sys/fs/cgroup/<controller>:
 * the cgroup mount must find them in mountinfo. */
static void cgroup_elsewhere(void *unused)
{
    (void)unused;
    CHECK(mount("tmpfs", "/sys/fs/cgroup", "tmpfs", 0, "mode=755") == 0, "tmpfs: %s",
          strerror(errno));
    cleanup_fclose FILE *f = fopen("/proc/self/cgroup", "re");
    cleanup_free char *line = NULL;
    size_t cap = 0;
    while (f != NULL && getline(&line, &cap, f) > 0) {
        char *ctrls = strchr(line, ':') + 1, dir[300];
        *strchr(ctrls, ':') = '\0';
        bool v2 = ctrls[0] == '\0';
        snprintf(dir, sizeof dir, "/sys/fs/cgroup/moved-%s", v2 ? "v2" : ctrls);
        CHECK(mkdir(dir, 0755) == 0, "mkdir %s", dir);
        CHECK(mount("cgroup", dir, v2 ? "cgroup2" : "cgroup", 0, v2 ? NULL : ctrls) == 0,
              "mount %s: %s", dir, strerror(errno));
    }
    struct oci_config cfg;
    keel_err err = { 0 };
    parse_config("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"mounts\":["
                 "{\"destination\":\"/sys\",\"type\":\"tmpfs\"},"
                 "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"options\":[\"ro\"]}]}",
                 &cfg);
    struct rootfs_opts o = { .bundle = bundle };
    if (rootfs_prepare(&cfg, &o, &err) < 0)
        fail("rootfs_prepare: %s", err.msg);
    char path[512];
    struct statfs sfs;
    snprintf(path, sizeof path, "%s/rootfs/sys/fs/cgroup/memory/memory.limit_in_bytes", bundle);
    CHECK(statfs(path, &sfs) == 0 && sfs.f_type == CGROUP_SUPER_MAGIC, "%s: %s", path,
          strerror(errno));
    snprintf(path, sizeof path, "%s/rootfs/sys/fs/cgroup/systemd", bundle);
    CHECK(statfs(path, &sfs) == 0 && sfs.f_type == CGROUP_SUPER_MAGIC, "%s", path);
    snprintf(path, sizeof path, "%s/rootfs/sys/fs/cgroup/unified", bundle);
    CHECK(statfs(path, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC, "%s", path);
    spec_release(&spec_type_oci_config, &cfg);
}

Test(rootfs, cgroup_from_mountinfo)
{
    if (geteuid() != 0)
        cr_skip("needs root");
    const char *report = run_contained(cgroup_elsewhere, NULL);
    cr_assert_str_empty(report, "%s", report);
}
