/* The cgroup library against scratch trees laid out like cgroupfs (v2, v1 and
 * hybrid): the files exist beforehand, the library writes them, the test reads them. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_internal.h"

static char root[128];

static void mkdirs(const char *path)
{
    char buf[PATH_MAX];

    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

/* root/rel gets content, directories made as needed. */
static void put(const char *rel, const char *content)
{
    char path[PATH_MAX], dir[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", root, rel);
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    mkdirs(dir);
    f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(content, f);
    fclose(f);
}

static const char *get(const char *rel)
{
    static char buf[4096];
    char path[PATH_MAX];
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "%s/%s", root, rel);
    f = fopen(path, "r");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void make_root(void)
{
    snprintf(root, sizeof root, "/tmp/keel-cgroups-scratch-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
}

static void remove_root(void)
{
    char cmd[PATH_MAX + 16];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    cr_assert_eq(system(cmd), 0);
}

static void parse_resources(const char *json, struct oci_resources *r)
{
    keel_err err = { 0 };

    cr_assert_eq(spec_parse(&spec_type_oci_resources, json, strlen(json), "resources.json", r, &err),
                 0, "%s", err.msg);
}

#define V2_CONTROLLERS "cpuset cpu io memory hugetlb pids rdma"
#define LEAF "keel/c1/"

static void make_v2_tree(void)
{
    static const char *const files[] = {
        "memory.max", "memory.low", "memory.swap.max", "memory.high", "cpu.weight", "cpu.max",
        "cpu.max.burst", "cpu.idle", "cpuset.cpus", "cpuset.mems", "pids.max", "io.weight",
        "io.max", "hugetlb.2MB.max", "hugetlb.2MB.rsvd.max", "rdma.max", "cgroup.procs",
        "cgroup.freeze",
    };
    char rel[256];

    make_root();
    put("cgroup.controllers", V2_CONTROLLERS "\n");
    put("cgroup.subtree_control", "");
    put("keel/cgroup.controllers", V2_CONTROLLERS "\n");
    put("keel/cgroup.subtree_control", "cpuset cpu io memory hugetlb pids rdma\n");
    put(LEAF "cgroup.controllers", V2_CONTROLLERS "\n");
    put(LEAF "cgroup.subtree_control", "");
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(rel, sizeof rel, LEAF "%s", files[i]);
        put(rel, "");
    }
    put(LEAF "memory.current", "1000\n");
    put(LEAF "cgroup.events", "populated 1\nfrozen 0\n");
}

Test(cgroup_v2, detect_and_enable_controllers, .init = make_v2_tree, .fini = remove_root)
{
    keel_err err = { 0 };
    enum cgroup_mode mode;
    struct cgroup *cg;

    cr_assert_eq(cgroup_detect_mode(root, &mode, &err), 0);
    cr_assert_eq(mode, CGROUP_V2);
    cg = cgroup_create(root, "/keel/c1", &err);
    cr_assert_not_null(cg, "%s", err.msg);
    cr_assert_str_eq(cgroup_path(cg), "/keel/c1");
    /* the root had nothing enabled, keel/ had everything already */
    cr_assert_str_eq(get("cgroup.subtree_control"), "+cpuset +cpu +io +memory +hugetlb +pids +rdma");
    cr_assert_str_eq(get("keel/cgroup.subtree_control"), "cpuset cpu io memory hugetlb pids rdma\n");
    cgroup_free(cg);
}

Test(cgroup_v2, every_resource_lands_in_its_file, .init = make_v2_tree, .fini = remove_root)
{
    struct oci_resources r;
    keel_err err = { 0 };
    struct cgroup *cg = cgroup_create(root, "/keel/c1", &err);

    cr_assert_not_null(cg, "%s", err.msg);
    parse_resources("{\"memory\":{\"limit\":67108864,\"reservation\":33554432,\"swap\":134217728,"
                    "\"swappiness\":10,\"disableOOMKiller\":true},"
                    "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"burst\":1000,"
                    "\"cpus\":\"0-1\",\"mems\":\"0\",\"idle\":1},"
                    "\"pids\":{\"limit\":50},"
                    "\"blockIO\":{\"weight\":500,\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}]},"
                    "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":2097152}],"
                    "\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3,\"hcaObjects\":10000}},"
                    "\"unified\":{\"memory.high\":\"50000000\"}}", &r);
    cr_assert_eq(cgroup_update(cg, &r, &err), 0, "%s", err.msg);
    cr_assert_str_eq(get(LEAF "memory.max"), "67108864");
    cr_assert_str_eq(get(LEAF "memory.low"), "33554432");
    cr_assert_str_eq(get(LEAF "memory.swap.max"), "67108864");
    cr_assert_str_eq(get(LEAF "cpu.weight"), "39");
    cr_assert_str_eq(get(LEAF "cpu.max"), "50000 100000");
    cr_assert_str_eq(get(LEAF "cpu.max.burst"), "1000");
    cr_assert_str_eq(get(LEAF "cpu.idle"), "1");
    cr_assert_str_eq(get(LEAF "cpuset.cpus"), "0-1");
    cr_assert_str_eq(get(LEAF "cpuset.mems"), "0");
    cr_assert_str_eq(get(LEAF "pids.max"), "50");
    cr_assert_str_eq(get(LEAF "io.weight"), "4950");
    cr_assert_str_eq(get(LEAF "io.max"), "8:0 rbps=1048576");
    cr_assert_str_eq(get(LEAF "hugetlb.2MB.max"), "2097152");
    cr_assert_str_eq(get(LEAF "hugetlb.2MB.rsvd.max"), "2097152");
    cr_assert_str_eq(get(LEAF "rdma.max"), "mlx5_1 hca_handle=3 hca_object=10000");
    cr_assert_str_eq(get(LEAF "memory.high"), "50000000");
    spec_release(&spec_type_oci_resources, &r);
    /* v2 has no net_cls: a network limit cannot be applied, an error as in runc and crun */
    parse_resources("{\"network\":{\"classID\":1048577}}", &r);
    cr_assert_eq(cgroup_update(cg, &r, &err), -1);
    cr_assert_str_eq(err.msg, "linux.resources.network.classID: no net_cls cgroup hierarchy on this host");
    spec_release(&spec_type_oci_resources, &r);
    cgroup_free(cg);
}

Test(cgroup_v2, unset_fields_are_not_written, .init = make_v2_tree, .fini = remove_root)
{
    struct oci_resources r;
    keel_err err = { 0 };
    struct cgroup *cg = cgroup_open(root, "/keel/c1", &err);

    cr_assert_not_null(cg, "%s", err.msg);
    put(LEAF "memory.max", "untouched");
    parse_resources("{\"pids\":{\"limit\":-1},\"memory\":{}}", &r);
    cr_assert_eq(cgroup_update(cg, &r, &err), 0, "%s", err.msg);
    cr_assert_str_eq(get(LEAF "pids.max"), "max");
    cr_assert_str_eq(get(LEAF "memory.max"), "untouched");
    spec_release(&spec_type_oci_resources, &r);
    cgroup_free(cg);
}

Test(cgroup_v2, refusals_name_the_file_and_value, .init = make_v2_tree, .fini = remove_root)
{
    struct oci_resources r;
    keel_err err = { 0 };
    struct cgroup *cg = cgroup_open(root, "/keel/c1", &err);
    char want[PATH_MAX + 64];

    cr_assert_not_null(cg, "%s", err.msg);
    snprintf(want, sizeof want, "%s/keel/c1/pids.max", root);
    cr_assert_eq(unlink(want), 0);
    parse_resources("{\"pids\":{\"limit\":7}}", &r);
    cr_assert_eq(cgroup_update(cg, &r, &err), -1);
    snprintf(want, sizeof want, "write %s/keel/c1/pids.max=7: No such file or directory", root);
    cr_assert_str_eq(err.msg, want);
    spec_release(&spec_type_oci_resources, &r);

    parse_resources("{\"cpu\":{\"realtimeRuntime\":1000}}", &r);
    cr_assert_eq(cgroup_update(cg, &r, &err), -1);
    cr_assert(strstr(err.msg, "realtime") != NULL, "%s", err.msg);
    spec_release(&spec_type_oci_resources, &r);

    parse_resources("{\"memory\":{\"limit\":500,\"checkBeforeUpdate\":true}}", &r);
    cr_assert_eq(cgroup_update(cg, &r, &err), -1);
    cr_assert(strstr(err.msg, "below the current usage 1000") != NULL, "%s", err.msg);
    spec_release(&spec_type_oci_resources, &r);

    parse_resources("{\"unified\":{\"misc.max\":\"1\"}}", &r);
    cr_assert_eq(cgroup_update(cg, &r, &err), -1);
    cr_assert(strstr(err.msg, "controller misc") != NULL, "%s", err.msg);
    spec_release(&spec_type_oci_resources, &r);

    parse_resources("{\"unified\":{\"../x.max\":\"1\"}}", &r);
    cr_assert_eq(cgroup_update(cg, &r, &err), -1);
    spec_release(&spec_type_oci_resources, &r);
    cgroup_free(cg);
}

Test(cgroup_v2, freeze_and_pids, .init = make_v2_tree, .fini = remove_root)
{
    keel_err err = { 0 };
    struct cgroup *cg = cgroup_open(root, "/keel/c1", &err);
    pid_t *pids = NULL;
    size_t n = 0;
    bool frozen = true;

    cr_assert_not_null(cg, "%s", err.msg);
    cr_assert_eq(cgroup_is_frozen(cg, &frozen, &err), 0, "%s", err.msg);
    cr_assert_not(frozen);
    put(LEAF "cgroup.events", "populated 1\nfrozen 1\n"); /* what the kernel would say */
    cr_assert_eq(cgroup_freeze(cg, true, &err), 0, "%s", err.msg);
    cr_assert_str_eq(get(LEAF "cgroup.freeze"), "1");
    cr_assert_eq(cgroup_is_frozen(cg, &frozen, &err), 0);
    cr_assert(frozen);

    put(LEAF "cgroup.procs", "12\n34\n");
    put(LEAF "sub/cgroup.procs", "56\n");
    cr_assert_eq(cgroup_pids(cg, &pids, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 3);
    cr_assert_eq(pids[0] + pids[1] + pids[2], 12 + 34 + 56);
    free(pids);
    cgroup_free(cg);
}

Test(cgroup_v2, stats, .init = make_v2_tree, .fini = remove_root)
{
    keel_err err = { 0 };
    struct cgroup *cg = cgroup_open(root, "/keel/c1", &err);
    struct runc_stats s;
    char *json;

    cr_assert_not_null(cg, "%s", err.msg);
    put(LEAF "memory.max", "max\n");
    put(LEAF "memory.events", "low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\n");
    put(LEAF "memory.stat", "anon 100\nfile 4096\n");
    put(LEAF "pids.current", "3\n");
    put(LEAF "pids.max", "50\n");
    put(LEAF "cpu.stat", "usage_usec 10\nuser_usec 6\nsystem_usec 4\nnr_periods 5\nnr_throttled 1\nthrottled_usec 2\n");
    put(LEAF "io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n");
    put(LEAF "hugetlb.2MB.current", "0\n");
    put(LEAF "hugetlb.2MB.events", "max 4\n");
    put(LEAF "hugetlb.2MB.max", "max\n");
    cr_assert_eq(cgroup_stats(cg, &s, &err), 0, "%s", err.msg);
    cr_assert_eq(s.memory->usage->usage, 1000);
    cr_assert_eq(s.memory->usage->failcnt, 2);
    cr_assert_eq(s.memory->cache, 4096);
    cr_assert_eq(s.pids->current, 3);
    cr_assert_eq(s.pids->limit, 50);
    cr_assert_eq(s.cpu->usage->total, 10000);
    cr_assert_eq(s.cpu->usage->kernel, 4000);
    cr_assert_eq(s.cpu->throttling->throttledTime, 2000);
    cr_assert_eq(s.blkio->ioServiceBytesRecursive_len, 2);
    cr_assert_eq(s.blkio->ioServiceBytesRecursive[1].value, 200);
    cr_assert_eq(s.hugetlb_len, 1);
    cr_assert_str_eq(s.hugetlb_keys[0], "2MB");
    cr_assert_eq(s.hugetlb[0].failcnt, 4);
    json = spec_generate(&spec_type_runc_stats, &s, false, NULL, &err);
    cr_assert_not_null(json, "%s", err.msg);
    cr_assert(strstr(json, "\"pids\":{\"current\":3,\"limit\":50}") != NULL, "%s", json);
    free(json);
    spec_release(&spec_type_runc_stats, &s);
    cgroup_free(cg);
}

static void make_v1_tree(void)
{
    static const char *const memory[] = {
        "memory.limit_in_bytes", "memory.soft_limit_in_bytes", "memory.oom_control",
        "memory.kmem.tcp.limit_in_bytes", "cgroup.procs",
    };
    char rel[256];

    make_root();
    for (size_t i = 0; i < sizeof memory / sizeof memory[0]; i++) {
        snprintf(rel, sizeof rel, "memory/" LEAF "%s", memory[i]);
        put(rel, "");
    }
    put("memory/" LEAF "memory.memsw.limit_in_bytes", "9223372036854771712\n");
    put("cpu/" LEAF "cpu.shares", "");
    put("cpu/" LEAF "cpu.cfs_period_us", "");
    put("cpu/" LEAF "cpu.cfs_quota_us", "");
    put("cpu/" LEAF "cpu.rt_runtime_us", "");
    put("cpu/" LEAF "cgroup.procs", "");
    put("pids/" LEAF "pids.max", "");
    put("pids/" LEAF "cgroup.procs", "");
    put("cpuset/cpuset.cpus", "0-1\n");
    put("cpuset/cpuset.mems", "0\n");
    put("cpuset/keel/cpuset.cpus", "");
    put("cpuset/keel/cpuset.mems", "");
    put("cpuset/" LEAF "cpuset.cpus", "");
    put("cpuset/" LEAF "cpuset.mems", "");
    put("cpuset/" LEAF "cgroup.procs", "");
    put("devices/" LEAF "devices.allow", "");
    put("devices/" LEAF "devices.deny", "");
    put("devices/" LEAF "cgroup.procs", "");
    put("systemd/cgroup.procs", ""); /* the name=systemd hierarchy: no controller */
}

Test(cgroup_v1, create_inherits_cpuset_and_applies, .init = make_v1_tree, .fini = remove_root)
{
    const char *json = "{\"resources\":{\"memory\":{\"limit\":67108864,\"swap\":134217728,"
                       "\"disableOOMKiller\":true,\"kernelTCP\":1048576,\"reservation\":1000},"
                       "\"cpu\":{\"shares\":512,\"quota\":20000,\"period\":50000,\"realtimeRuntime\":5},"
                       "\"pids\":{\"limit\":0},"
                       "\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}";
    struct oci_linux linux;
    keel_err err = { 0 };
    enum cgroup_mode mode;
    struct cgroup *cg;

    cr_assert_eq(cgroup_detect_mode(root, &mode, &err), 0);
    cr_assert_eq(mode, CGROUP_V1);
    cg = cgroup_create(root, "/keel/c1", &err);
    cr_assert_not_null(cg, "%s", err.msg);
    cr_assert_str_eq(get("cpuset/keel/cpuset.cpus"), "0-1");
    cr_assert_str_eq(get("cpuset/" LEAF "cpuset.mems"), "0");
    /* placed in name=systemd at the same path, as runc does */
    struct stat st;
    char sd[PATH_MAX];
    snprintf(sd, sizeof sd, "%s/systemd/keel/c1", root);
    cr_assert(stat(sd, &st) == 0 && S_ISDIR(st.st_mode), "no %s", sd);
    cr_assert_eq(spec_parse(&spec_type_oci_linux, json, strlen(json), "t", &linux, &err), 0);
    cr_assert_eq(cgroup_apply(cg, &linux, &err), 0, "%s", err.msg);
    cr_assert_str_eq(get("memory/" LEAF "memory.limit_in_bytes"), "67108864");
    cr_assert_str_eq(get("memory/" LEAF "memory.memsw.limit_in_bytes"), "134217728");
    cr_assert_str_eq(get("memory/" LEAF "memory.soft_limit_in_bytes"), "1000");
    cr_assert_str_eq(get("memory/" LEAF "memory.oom_control"), "1");
    cr_assert_str_eq(get("memory/" LEAF "memory.kmem.tcp.limit_in_bytes"), "1048576");
    cr_assert_str_eq(get("cpu/" LEAF "cpu.shares"), "512");
    cr_assert_str_eq(get("cpu/" LEAF "cpu.cfs_period_us"), "50000");
    cr_assert_str_eq(get("cpu/" LEAF "cpu.cfs_quota_us"), "20000");
    cr_assert_str_eq(get("cpu/" LEAF "cpu.rt_runtime_us"), "5");
    cr_assert_str_eq(get("pids/" LEAF "pids.max"), "0");
    /* one write per rule on one open file: a scratch file shows them all, in order */
    cr_assert_str_eq(get("devices/" LEAF "devices.deny"), "a *:* rwm");
    cr_assert_str_eq(get("devices/" LEAF "devices.allow"),
                     "c *:* mb *:* mc 1:3 rwmc 1:8 rwmc 1:7 rwmc 5:0 rwmc 1:5 rwmc 1:9 rwm"
                     "c 136:* rwmc 5:2 rwmc 10:200 rwm");
    spec_release(&spec_type_oci_linux, &linux);
    cgroup_free(cg);
}

Test(cgroup_v1, errors, .init = make_v1_tree, .fini = remove_root)
{
    struct oci_resources r;
    keel_err err = { 0 };
    struct cgroup *cg = cgroup_create(root, "/keel/c1", &err);
    char want[PATH_MAX + 64];

    cr_assert_not_null(cg, "%s", err.msg);
    parse_resources("{\"memory\":{\"swappiness\":60}}", &r);
    cr_assert_eq(cgroup_update(cg, &r, &err), -1);
    snprintf(want, sizeof want, "write %s/memory/keel/c1/memory.swappiness=60: No such file or directory", root);
    cr_assert_str_eq(err.msg, want);
    spec_release(&spec_type_oci_resources, &r);
    parse_resources("{\"unified\":{\"memory.high\":\"1\"}}", &r);
    cr_assert_eq(cgroup_update(cg, &r, &err), -1);
    cr_assert(strstr(err.msg, "needs cgroup v2, this host is v1") != NULL, "%s", err.msg);
    spec_release(&spec_type_oci_resources, &r);
    cgroup_free(cg);
}

Test(cgroup_v1, create_undoes_on_failure, .init = make_v1_tree, .fini = remove_root)
{
    keel_err err = { 0 };
    char path[PATH_MAX];
    struct stat st;

    /* cpuset's new directory is not a cgroup (no cpuset.cpus): create fails */
    cr_assert_null(cgroup_create(root, "/keel/c2", &err));
    snprintf(path, sizeof path, "%s/memory/keel/c2", root);
    cr_assert_eq(stat(path, &st), -1, "%s left behind", path);
    snprintf(path, sizeof path, "%s/cpuset/keel/c2", root);
    cr_assert_eq(stat(path, &st), -1, "%s left behind", path);
    snprintf(path, sizeof path, "%s/memory/keel", root);
    cr_assert_eq(stat(path, &st), 0, "shared parent removed");
}

Test(cgroup_hybrid, hugetlb_goes_to_unified, .fini = remove_root)
{
    struct oci_resources r;
    keel_err err = { 0 };
    enum cgroup_mode mode;
    struct cgroup *cg;

    make_root();
    put("memory/" LEAF "memory.limit_in_bytes", "");
    put("memory/" LEAF "cgroup.procs", "");
    put("unified/cgroup.controllers", "hugetlb\n");
    put("unified/cgroup.subtree_control", "");
    put("unified/keel/cgroup.controllers", "hugetlb\n");
    put("unified/keel/cgroup.subtree_control", "");
    put("unified/" LEAF "cgroup.controllers", "hugetlb\n");
    put("unified/" LEAF "hugetlb.2MB.max", "");
    put("unified/" LEAF "cgroup.procs", "");
    cr_assert_eq(cgroup_detect_mode(root, &mode, &err), 0);
    cr_assert_eq(mode, CGROUP_HYBRID);
    cg = cgroup_create(root, "/keel/c1", &err);
    cr_assert_not_null(cg, "%s", err.msg);
    parse_resources("{\"memory\":{\"limit\":1048576},\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":0}]}", &r);
    cr_assert_eq(cgroup_update(cg, &r, &err), 0, "%s", err.msg);
    cr_assert_str_eq(get("memory/" LEAF "memory.limit_in_bytes"), "1048576");
    cr_assert_str_eq(get("unified/" LEAF "hugetlb.2MB.max"), "0");
    cr_assert_eq(cgroup_add_pid(cg, 4242, &err), 0, "%s", err.msg);
    cr_assert_str_eq(get("memory/" LEAF "cgroup.procs"), "4242");
    cr_assert_str_eq(get("unified/" LEAF "cgroup.procs"), "4242");
    spec_release(&spec_type_oci_resources, &r);
    cgroup_free(cg);
}

/* The two steps create takes for CLONE_INTO_CGROUP: the cgroup2 directory
 * alone first (its fd is what clone3 gets), the v1 ones after; a process
 * cloned into cgroup2 is then not written to its cgroup.procs again. */
static void make_hybrid_tree(void)
{
    char path[PATH_MAX];

    make_root();
    snprintf(path, sizeof path, "%s/memory/keel", root); /* the leaf is create's to make */
    mkdirs(path);
    put("unified/cgroup.controllers", "hugetlb\n");
    put("unified/cgroup.subtree_control", "");
    put("unified/keel/cgroup.controllers", "hugetlb\n");
    put("unified/keel/cgroup.subtree_control", "");
    put("unified/" LEAF "cgroup.procs", "");
}

Test(cgroup_hybrid, two_steps_unified_first, .init = make_hybrid_tree, .fini = remove_root)
{
    keel_err err = { 0 };
    char path[PATH_MAX];
    struct stat st;
    int fds[CGROUP_MAX_JOIN_FDS];
    size_t n = 0;

    snprintf(path, sizeof path, "%s/memory/keel/c1", root);
    struct cgroup *cg = cgroup_create_unified(root, "/keel/c1", &err);
    cr_assert_not_null(cg, "%s", err.msg);
    cr_assert_geq(cgroup_unified_fd(cg), 0);
    cr_assert_eq(stat(path, &st), -1, "the first step made %s", path);
    cr_assert_eq(cgroup_create_v1(cg, &err), 0, "%s", err.msg);
    cr_assert_eq(stat(path, &st), 0, "the second step did not make %s", path);
    put("memory/" LEAF "tasks", "");
    cgroup_set_unified_joined(cg);
    cr_assert_eq(cgroup_add_pid_deferred(cg, 4242, fds, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 1);
    close(fds[0]);
    cr_assert_str_eq(get("unified/" LEAF "cgroup.procs"), "", "cgroup.procs written for a process cloned in");
    cgroup_free(cg);
}

Test(cgroup_v1, two_steps_on_v1_first_makes_nothing, .init = make_v1_tree, .fini = remove_root)
{
    keel_err err = { 0 };
    struct cgroup *cg = cgroup_create_unified(root, "/keel/c1", &err);
    cr_assert_not_null(cg, "%s", err.msg);
    cr_assert_eq(cgroup_unified_fd(cg), -1);
    cr_assert_eq(cgroup_create_v1(cg, &err), 0, "%s", err.msg);
    cgroup_free(cg);
}

/* One manager per layout, chosen where the cgroup is allocated; destroy goes
 * through it and removes the leaf in every hierarchy the layout has. */
Test(cgroup_hybrid, manager_per_layout, .init = make_hybrid_tree, .fini = remove_root)
{
    keel_err err = { 0 };
    char v1[PATH_MAX], unified[PATH_MAX];
    struct stat st;
    struct cgroup *cg = cgroup_create(root, "/keel/c1", &err);

    cr_assert_eq(cgroup_manager_for(CGROUP_V1), &cgroup_manager_v1);
    cr_assert_eq(cgroup_manager_for(CGROUP_V2), &cgroup_manager_v2);
    cr_assert_not_null(cg, "%s", err.msg);
    cr_assert_eq(cg->manager, &cgroup_manager_hybrid);
    cr_assert_str_eq(cg->manager->name, "hybrid");
    snprintf(v1, sizeof v1, "%s/memory/keel/c1", root);
    snprintf(unified, sizeof unified, "%s/unified/keel/c1", root);
    cr_assert_eq(stat(v1, &st), 0, "no %s", v1);
    snprintf(unified, sizeof unified, "%s/unified/" LEAF "cgroup.procs", root);
    unlink(unified); /* the scratch tree's file, which a real cgroupfs would not let rmdir see */
    snprintf(unified, sizeof unified, "%s/unified/keel/c1", root);
    cr_assert_eq(cgroup_destroy(cg, false, &err), 0, "%s", err.msg);
    cr_assert_eq(stat(v1, &st), -1, "%s left", v1);
    cr_assert_eq(stat(unified, &st), -1, "%s left", unified);
    cgroup_free(cg);
}
