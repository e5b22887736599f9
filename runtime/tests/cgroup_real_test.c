/* The cgroup library on this host's real hierarchies (root only): limits in
 * the kernel's files, a child that joins, stats, freeze, OOM, the v2 device
 * program, and nothing left behind. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_bpf.h"
#include "cgroup_internal.h"

static char parent[64], path[96];

static void need_root_v1(void)
{
    enum cgroup_mode mode;
    keel_err err;

    if (geteuid() != 0)
        cr_skip_test("needs root");
    if (cgroup_detect_mode(CGROUP_DEFAULT_ROOT, &mode, &err) < 0 || mode == CGROUP_V2)
        cr_skip_test("needs v1 or hybrid cgroups");
    snprintf(parent, sizeof parent, "/keel-test-cgroups-%d", (int)getpid());
    snprintf(path, sizeof path, "%s/c1", parent);
}

static void remove_parent(void)
{
    static const char *const hier[] = { "cpuset", "cpu", "cpuacct", "memory", "pids", "blkio",
                                        "devices", "freezer", "systemd", "unified" };
    char dir[256];

    for (size_t i = 0; i < sizeof hier / sizeof hier[0]; i++) {
        snprintf(dir, sizeof dir, "/sys/fs/cgroup/%s%s", hier[i], parent);
        rmdir(dir);
    }
}

/* A control file of the cgroup at cg in hierarchy ctl. */
static const char *read_cg_file(const char *ctl, const char *cg, const char *file)
{
    static char buf[256];
    char p[512];
    FILE *f;
    size_t n;

    snprintf(p, sizeof p, "/sys/fs/cgroup/%s%s/%s", ctl, cg, file);
    f = fopen(p, "r");
    cr_assert_not_null(f, "%s: %s", p, strerror(errno));
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (n > 0 && buf[n - 1] == '\n')
        buf[n - 1] = '\0';
    return buf;
}
#define CG_FILE(ctl, file) read_cg_file(ctl, path, file)

static bool exists(const char *ctl)
{
    char p[256];
    struct stat st;

    snprintf(p, sizeof p, "/sys/fs/cgroup/%s%s", ctl, path);
    return stat(p, &st) == 0;
}

/* The child: waits for "go", uses some memory, tries two devices, reports, sleeps. */
static pid_t spawn(int go[2], int done[2])
{
    pid_t pid;

    cr_assert_eq(pipe2(go, O_CLOEXEC), 0);
    cr_assert_eq(pipe2(done, O_CLOEXEC), 0);
    pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        char c, result[2];
        size_t size = 4 << 20;
        char *mem;
        int fd;

        if (read(go[0], &c, 1) != 1)
            _exit(1);
        mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem != MAP_FAILED)
            memset(mem, 1, size);
        fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        result[0] = fd >= 0 ? 'y' : 'n';
        fd = open("/dev/kmsg", O_RDONLY | O_CLOEXEC);
        result[1] = fd < 0 && errno == EPERM ? 'y' : 'n';
        if (write(done[1], result, 2) != 2)
            _exit(1);
        for (;;)
            pause();
    }
    return pid;
}

Test(cgroup_real, v1_lifecycle, .init = need_root_v1, .fini = remove_parent)
{
    const char *json = "{\"resources\":{\"memory\":{\"limit\":67108864},"
                       "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000},"
                       "\"pids\":{\"limit\":50},\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}";
    struct oci_linux linux;
    keel_err err = { 0 };
    struct cgroup *cg;
    int go[2], done[2], status;
    char result[2];
    pid_t child, *pids = NULL;
    size_t n = 0;
    bool frozen = false;
    struct runc_stats s;

    cr_assert_eq(spec_parse(&spec_type_oci_linux, json, strlen(json), "t", &linux, &err), 0);
    cg = cgroup_create(CGROUP_DEFAULT_ROOT, path, &err);
    cr_assert_not_null(cg, "%s", err.msg);
    cr_assert_eq(cgroup_apply(cg, &linux, &err), 0, "%s", err.msg);
    spec_release(&spec_type_oci_linux, &linux);
    cr_assert_str_eq(CG_FILE("memory", "memory.limit_in_bytes"), "67108864");
    cr_assert_str_eq(CG_FILE("cpu", "cpu.shares"), "512");
    cr_assert_str_eq(CG_FILE("cpu", "cpu.cfs_quota_us"), "50000");
    cr_assert_str_eq(CG_FILE("pids", "pids.max"), "50");
    cr_assert(strstr(CG_FILE("devices", "devices.list"), "c 1:3 rwm") != NULL);

    child = spawn(go, done);
    cr_assert_eq(cgroup_add_pid(cg, child, &err), 0, "%s", err.msg);
    cr_assert_eq(write(go[1], "g", 1), 1);
    cr_assert_eq(read(done[0], result, 2), 2);
    cr_assert_eq(result[0], 'y', "/dev/null refused");
    cr_assert_eq(result[1], 'y', "/dev/kmsg not refused by the device list");

    cr_assert_eq(cgroup_pids(cg, &pids, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 1);
    cr_assert_eq(pids[0], child);
    free(pids);

    cr_assert_eq(cgroup_stats(cg, &s, &err), 0, "%s", err.msg);
    cr_assert_geq(s.memory->usage->usage, 4 << 20);
    cr_assert_eq(s.memory->usage->limit, 67108864);
    cr_assert_eq(s.pids->current, 1);
    cr_assert_eq(s.pids->limit, 50);
    cr_assert_gt(s.cpu->usage->total, 0);
    spec_release(&spec_type_runc_stats, &s);

    cr_assert_eq(cgroup_freeze(cg, true, &err), 0, "%s", err.msg);
    cr_assert_str_eq(CG_FILE("freezer", "freezer.state"), "FROZEN");
    cr_assert_eq(cgroup_is_frozen(cg, &frozen, &err), 0);
    cr_assert(frozen);
    cr_assert_eq(cgroup_freeze(cg, false, &err), 0, "%s", err.msg);
    cr_assert_str_eq(CG_FILE("freezer", "freezer.state"), "THAWED");

    cr_assert_eq(cgroup_destroy(cg, false, &err), -1, "a busy cgroup was destroyed");
    cr_assert(strstr(err.msg, "Device or resource busy") != NULL, "%s", err.msg);
    cr_assert_eq(cgroup_destroy(cg, true, &err), 0, "%s", err.msg);
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    cgroup_free(cg);
    cr_assert_not(exists("memory"), "memory cgroup left behind");
    cr_assert_not(exists("cpu"), "cpu cgroup left behind");
    cr_assert_not(exists("freezer"), "freezer cgroup left behind");
    cr_assert_not(exists("unified"), "unified cgroup left behind");
}

Test(cgroup_real, oom_is_reported, .init = need_root_v1, .fini = remove_parent)
{
    struct oci_resources r;
    const char *json = "{\"memory\":{\"limit\":16777216,\"swap\":16777216}}";
    keel_err err = { 0 };
    struct cgroup *cg;
    int fd, go[2], status;
    pid_t child;
    bool oom = false;
    struct pollfd pfd;

    cr_assert_eq(spec_parse(&spec_type_oci_resources, json, strlen(json), "t", &r, &err), 0);
    cg = cgroup_create(CGROUP_DEFAULT_ROOT, path, &err);
    cr_assert_not_null(cg, "%s", err.msg);
    cr_assert_eq(cgroup_update(cg, &r, &err), 0, "%s", err.msg);
    spec_release(&spec_type_oci_resources, &r);
    fd = cgroup_oom_watch(cg, &err);
    cr_assert_geq(fd, 0, "%s", err.msg);
    cr_assert_eq(pipe2(go, O_CLOEXEC), 0);
    child = fork();
    if (child == 0) {
        char c;
        size_t size = 64 << 20;
        char *mem;

        if (read(go[0], &c, 1) != 1)
            _exit(1);
        mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem != MAP_FAILED)
            memset(mem, 1, size);
        _exit(0);
    }
    cr_assert_eq(cgroup_add_pid(cg, child, &err), 0, "%s", err.msg);
    cr_assert_eq(write(go[1], "g", 1), 1);
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "not OOM-killed: %d", status);
    pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
    cr_assert_eq(poll(&pfd, 1, 2000), 1);
    cr_assert_eq(cgroup_oom_check(cg, fd, &oom, &err), 0, "%s", err.msg);
    cr_assert(oom);
    close(fd);
    cr_assert_eq(cgroup_destroy(cg, false, &err), 0, "%s", err.msg);
    cgroup_free(cg);
}

/* The v2 device program, on this host's cgroup2 mount (which attaches eBPF
 * programs whatever controllers it holds). */
static char bpf_dir[128];

static void need_root_unified(void)
{
    struct stat st;

    if (geteuid() != 0)
        cr_skip_test("needs root");
    if (stat("/sys/fs/cgroup/unified/cgroup.procs", &st) == 0)
        snprintf(bpf_dir, sizeof bpf_dir, "/sys/fs/cgroup/unified/keel-test-bpf-%d", (int)getpid());
    else if (stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0)
        snprintf(bpf_dir, sizeof bpf_dir, "/sys/fs/cgroup/keel-test-bpf-%d", (int)getpid());
    else
        cr_skip_test("no cgroup2 mount");
    cr_assert_eq(mkdir(bpf_dir, 0755), 0, "%s: %s", bpf_dir, strerror(errno));
}

static void remove_bpf_dir(void)
{
    rmdir(bpf_dir);
}

/* Which of /dev/null rw, /dev/zero r, /dev/zero w, /dev/full r a child in the cgroup may open. */
static void probe(const struct cg_dir *d, char out[5])
{
    static const struct { const char *path; int flags; } tries[] = {
        { "/dev/null", O_RDWR }, { "/dev/zero", O_RDONLY }, { "/dev/zero", O_WRONLY },
        { "/dev/full", O_RDONLY },
    };
    int p[2], status;
    pid_t pid;
    keel_err err;

    cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
    pid = fork();
    if (pid == 0) {
        char r[4];
        if (cg_writef(d, "cgroup.procs", &err, "%d", (int)getpid()) < 0)
            _exit(2);
        for (int i = 0; i < 4; i++)
            r[i] = open(tries[i].path, tries[i].flags | O_CLOEXEC) >= 0 ? 'y' : 'n';
        _exit(write(p[1], r, 4) == 4 ? 0 : 1);
    }
    close(p[1]);
    cr_assert_eq(read(p[0], out, 4), 4);
    out[4] = '\0';
    close(p[0]);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
}

Test(cgroup_real, v2_device_program, .init = need_root_unified, .fini = remove_bpf_dir)
{
    const struct cg_device_rule first[] = {
        { false, 'a', -1, -1, CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE },
        { true, 'c', 1, 3, CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE },
        { true, 'c', 1, 5, CG_ACC_READ },
    };
    const struct cg_device_rule second[] = {
        { true, 'a', -1, -1, CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE },
        { false, 'c', 1, 3, CG_ACC_WRITE },
    };
    struct cg_dir d = { open(bpf_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), bpf_dir };
    keel_err err = { 0 };
    char got[5];

    cr_assert_geq(d.fd, 0);
    cr_assert_eq(cg_bpf_attach_devices(&d, first, 3, &err), 0, "%s", err.msg);
    probe(&d, got);
    cr_assert_str_eq(got, "yynn");
    /* replacing: the first program must be gone, or /dev/full would stay denied */
    cr_assert_eq(cg_bpf_attach_devices(&d, second, 2, &err), 0, "%s", err.msg);
    probe(&d, got);
    cr_assert_str_eq(got, "nyyy");
    close(d.fd);
}

/* The whole library in v2 mode on a real cgroup2 hierarchy: this host's
 * cgroup2 (holding only hugetlb) mounted again in a private mount namespace
 * and used as the root. Freeze, cgroup.kill, the device program and hugetlb
 * are real there; memory, cpu, pids and io are covered by the scratch tests. */
static char v2_root[64], v2_parent[96];

static void mount_cgroup2(void)
{
    struct stat st;

    if (geteuid() != 0)
        cr_skip_test("needs root");
    if (stat("/sys/fs/cgroup/unified/cgroup.controllers", &st) < 0 &&
        stat("/sys/fs/cgroup/cgroup.controllers", &st) < 0)
        cr_skip_test("no cgroup2 on this host");
    cr_assert_eq(unshare(CLONE_NEWNS), 0, "unshare: %s", strerror(errno));
    cr_assert_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
    snprintf(v2_root, sizeof v2_root, "/tmp/keel-cgroups-v2-XXXXXX");
    cr_assert_not_null(mkdtemp(v2_root));
    cr_assert_eq(mount("cgroup2", v2_root, "cgroup2", 0, NULL), 0, "mount cgroup2: %s", strerror(errno));
    snprintf(v2_parent, sizeof v2_parent, "/keel-test-v2-%d", (int)getpid());
}

static void unmount_cgroup2(void)
{
    char dir[192];

    snprintf(dir, sizeof dir, "%s%s", v2_root, v2_parent);
    rmdir(dir);
    umount2(v2_root, MNT_DETACH);
    rmdir(v2_root);
}

Test(cgroup_real, v2_lifecycle, .init = mount_cgroup2, .fini = unmount_cgroup2)
{
    const char *json = "{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}],"
                       "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":0}]}}";
    struct oci_linux linux;
    keel_err err = { 0 };
    enum cgroup_mode mode;
    struct cgroup *cg;
    char cgpath[160], leaf[256], result[2];
    int go[2], done[2], status;
    pid_t child, *pids = NULL;
    size_t n = 0;
    bool frozen = false;
    struct runc_stats s;
    struct stat st;

    cr_assert_eq(cgroup_detect_mode(v2_root, &mode, &err), 0);
    cr_assert_eq(mode, CGROUP_V2);
    snprintf(cgpath, sizeof cgpath, "%s/c1", v2_parent);
    snprintf(leaf, sizeof leaf, "%s%s", v2_root, cgpath);
    cr_assert_eq(spec_parse(&spec_type_oci_linux, json, strlen(json), "t", &linux, &err), 0);
    cg = cgroup_create(v2_root, cgpath, &err);
    cr_assert_not_null(cg, "%s", err.msg);
    cr_assert_eq(cgroup_apply(cg, &linux, &err), 0, "%s", err.msg);
    spec_release(&spec_type_oci_linux, &linux);

    child = spawn(go, done);
    cr_assert_eq(cgroup_add_pid(cg, child, &err), 0, "%s", err.msg);
    cr_assert_eq(write(go[1], "g", 1), 1);
    cr_assert_eq(read(done[0], result, 2), 2);
    cr_assert_eq(result[0], 'y', "/dev/null refused by the device program");
    cr_assert_eq(result[1], 'y', "/dev/kmsg not refused by the device program");

    cr_assert_eq(cgroup_pids(cg, &pids, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 1);
    cr_assert_eq(pids[0], child);
    free(pids);

    cr_assert_eq(cgroup_freeze(cg, true, &err), 0, "%s", err.msg);
    cr_assert_eq(cgroup_is_frozen(cg, &frozen, &err), 0);
    cr_assert(frozen);
    cr_assert_eq(cgroup_path_is_frozen(v2_root, cgpath, &frozen, &err), 0);
    cr_assert(frozen);
    cr_assert_eq(cgroup_freeze(cg, false, &err), 0, "%s", err.msg);
    cr_assert_eq(cgroup_is_frozen(cg, &frozen, &err), 0);
    cr_assert_not(frozen);

    cr_assert_eq(cgroup_stats(cg, &s, &err), 0, "%s", err.msg);
    cr_assert_geq(s.hugetlb_len, 1);
    spec_release(&spec_type_runc_stats, &s);

    cr_assert_eq(cgroup_destroy(cg, true, &err), 0, "%s", err.msg);
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    cgroup_free(cg);
    cr_assert_eq(stat(leaf, &st), -1, "%s left behind", leaf);
}

/* A new cpuset leaf under a parent left without cpus and mems (made by
 * someone else) gets them through the parent, filled first; under a parent
 * that has them, the leaf takes them directly. remove_if_empty leaves a busy
 * cgroup alone and removes an empty one. */
Test(cgroup_real, cpuset_leaf_and_remove_if_empty, .init = need_root_v1, .fini = remove_parent)
{
    char dir[256], cpus[256];
    keel_err err = { 0 };
    struct cgroup *cg;
    int status;
    pid_t child;

    snprintf(dir, sizeof dir, "/sys/fs/cgroup/cpuset%s", parent);
    cr_assert_eq(mkdir(dir, 0755), 0, "mkdir %s: %s", dir, strerror(errno));
    cr_assert_str_eq(read_cg_file("cpuset", parent, "cpuset.cpus"), "", "a new cpuset has cpus");
    snprintf(cpus, sizeof cpus, "%s", read_cg_file("cpuset", "", "cpuset.cpus"));
    for (int round = 0; round < 2; round++) {
        snprintf(path, sizeof path, "%s/c%d", parent, round);
        cg = cgroup_create(CGROUP_DEFAULT_ROOT, path, &err);
        cr_assert_not_null(cg, "%s", err.msg);
        cr_assert_str_eq(read_cg_file("cpuset", parent, "cpuset.cpus"), cpus);
        cr_assert_str_eq(read_cg_file("cpuset", path, "cpuset.cpus"), cpus);
        cr_assert_neq(read_cg_file("cpuset", path, "cpuset.mems")[0], '\0', "leaf without mems");

        child = fork();
        cr_assert_neq(child, -1);
        if (child == 0) {
            pause();
            _exit(0);
        }
        cr_assert_eq(cgroup_add_pid(cg, child, &err), 0, "%s", err.msg);
        cr_assert_not(cgroup_remove_if_empty(CGROUP_DEFAULT_ROOT, path), "a busy cgroup was removed");
        cr_assert(exists("pids") || exists("freezer"), "the busy cgroup lost its directories");
        kill(child, SIGKILL);
        cr_assert_eq(waitpid(child, &status, 0), child);
        cr_assert(cgroup_remove_if_empty(CGROUP_DEFAULT_ROOT, path), "an empty cgroup stayed");
        cr_assert_not(exists("cpuset"), "cpuset cgroup left behind");
        cr_assert_not(exists("memory"), "memory cgroup left behind");
        cr_assert_not(exists("unified"), "unified cgroup left behind");
        cgroup_free(cg);
    }
}
