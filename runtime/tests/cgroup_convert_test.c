/* The pure cgroup conversions: v1 <-> v2 values, file formats, device rules, paths. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cgroup_convert.h"

Test(cgroup_convert, shares_to_weight)
{
    cr_assert_eq(cg_shares_to_weight(0), 0);
    cr_assert_eq(cg_shares_to_weight(2), 1);
    cr_assert_eq(cg_shares_to_weight(1024), 39);
    cr_assert_eq(cg_shares_to_weight(262144), 10000);
    cr_assert_eq(cg_shares_to_weight(1000000), 10000);
}

Test(cgroup_convert, blkio_to_io_weight)
{
    cr_assert_eq(cg_blkio_to_io_weight(0), 0);
    cr_assert_eq(cg_blkio_to_io_weight(10), 1);
    cr_assert_eq(cg_blkio_to_io_weight(500), 4950);
    cr_assert_eq(cg_blkio_to_io_weight(1000), 10000);
}

Test(cgroup_convert, swap_is_swap_minus_limit)
{
    keel_err err = { 0 };
    int64_t out = 0;

    cr_assert_eq(cg_swap_to_v2(300, 100, &out, &err), 0);
    cr_assert_eq(out, 200);
    cr_assert_eq(cg_swap_to_v2(-1, 100, &out, &err), 0);
    cr_assert_eq(out, -1);
    cr_assert_eq(cg_swap_to_v2(100, 100, &out, &err), 0);
    cr_assert_eq(out, 0);
    cr_assert_eq(cg_swap_to_v2(50, 100, &out, &err), -1);
    cr_assert(strstr(err.msg, "below") != NULL, "%s", err.msg);
    cr_assert_eq(cg_swap_to_v2(50, 0, &out, &err), -1);
    cr_assert_eq(cg_swap_to_v2(50, -1, &out, &err), -1);
}

Test(cgroup_convert, v2_limits)
{
    char buf[24];

    cr_assert_str_eq(cg_v2_limit(-1, buf, sizeof buf), "max");
    cr_assert_str_eq(cg_v2_limit(0, buf, sizeof buf), "0");
    cr_assert_str_eq(cg_v2_limit(67108864, buf, sizeof buf), "67108864");
}

Test(cgroup_convert, cpu_max)
{
    struct oci_cpu c = { 0 };
    char buf[64];

    cg_cpu_max(&c, buf, sizeof buf);
    cr_assert_str_eq(buf, "");
    c.has_quota = true;
    c.quota = 50000;
    cg_cpu_max(&c, buf, sizeof buf);
    cr_assert_str_eq(buf, "50000");
    c.has_period = true;
    c.period = 100000;
    cg_cpu_max(&c, buf, sizeof buf);
    cr_assert_str_eq(buf, "50000 100000");
    c.quota = -1;
    cg_cpu_max(&c, buf, sizeof buf);
    cr_assert_str_eq(buf, "max 100000");
}

Test(cgroup_convert, rdma_line)
{
    struct oci_rdma r = { .hcaHandles = 3, .has_hcaHandles = true };
    char buf[128];

    cg_rdma_line("mlx5_1", &r, buf, sizeof buf);
    cr_assert_str_eq(buf, "mlx5_1 hca_handle=3");
    r.hcaObjects = 10000;
    r.has_hcaObjects = true;
    cg_rdma_line("mlx5_1", &r, buf, sizeof buf);
    cr_assert_str_eq(buf, "mlx5_1 hca_handle=3 hca_object=10000");
}

Test(cgroup_convert, device_rules_and_strings)
{
    const char *json = "{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                       "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rw\"}]},"
                       "\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229},"
                       "{\"path\":\"/dev/p\",\"type\":\"p\"}]}";
    struct oci_linux linux;
    keel_err err = { 0 };
    struct cg_device_rule *rules = NULL;
    size_t n = 0;
    char buf[64];

    cr_assert_eq(spec_parse(&spec_type_oci_linux, json, strlen(json), "t", &linux, &err), 0, "%s", err.msg);
    cr_assert_eq(cg_device_rules(&linux, &rules, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 2 + 11 + 1); /* config, runc's defaults, the char device (not the fifo) */
    cg_device_rule_string(&rules[0], buf, sizeof buf);
    cr_assert_str_eq(buf, "a *:* rwm");
    cr_assert_not(rules[0].allow);
    cg_device_rule_string(&rules[1], buf, sizeof buf);
    cr_assert_str_eq(buf, "c 10:229 rw");
    cg_device_rule_string(&rules[2], buf, sizeof buf);
    cr_assert_str_eq(buf, "c *:* m");
    cg_device_rule_string(&rules[n - 1], buf, sizeof buf);
    cr_assert_str_eq(buf, "c 10:229 rwm");
    free(rules);
    spec_release(&spec_type_oci_linux, &linux);
}

Test(cgroup_convert, device_rule_errors_name_the_field)
{
    const char *json = "{\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}}";
    struct oci_linux linux;
    keel_err err = { 0 };
    struct cg_device_rule *rules = NULL;
    size_t n = 0;

    cr_assert_eq(spec_parse(&spec_type_oci_linux, json, strlen(json), "t", &linux, &err), 0);
    cr_assert_eq(cg_device_rules(&linux, &rules, &n, &err), -1);
    cr_assert(strstr(err.msg, "linux.resources.devices[0].type") != NULL, "%s", err.msg);
    spec_release(&spec_type_oci_linux, &linux);
}

Test(cgroup_convert, no_linux_gives_defaults)
{
    keel_err err = { 0 };
    struct cg_device_rule *rules = NULL;
    size_t n = 0;

    cr_assert_eq(cg_device_rules(NULL, &rules, &n, &err), 0);
    cr_assert_eq(n, 11);
    free(rules);
}

Test(cgroup_convert, blkio_lines)
{
    struct runc_blkio_entry e;

    cr_assert(cg_parse_blkio_line("8:16 Read 4096", &e));
    cr_assert_eq(e.major, 8);
    cr_assert_eq(e.minor, 16);
    cr_assert_str_eq(e.op, "Read");
    cr_assert_eq(e.value, 4096);
    free(e.op);
    cr_assert_not(cg_parse_blkio_line("Total 4096", &e));
}

Test(cgroup_convert, io_stat_lines)
{
    uint64_t major, minor, bytes[2], ios[2];

    cr_assert(cg_parse_io_stat_line("259:0 rbytes=10 wbytes=20 rios=3 wios=4 dbytes=0 dios=0",
                                    &major, &minor, bytes, ios));
    cr_assert_eq(major, 259);
    cr_assert_eq(minor, 0);
    cr_assert_eq(bytes[0], 10);
    cr_assert_eq(bytes[1], 20);
    cr_assert_eq(ios[0], 3);
    cr_assert_eq(ios[1], 4);
    cr_assert_not(cg_parse_io_stat_line("garbage", &major, &minor, bytes, ios));
}

Test(cgroup_path, resolve)
{
    keel_err err = { 0 };
    char *p;

    p = cgroup_resolve_path(NULL, "c1", &err);
    cr_assert_str_eq(p, "/keel/c1");
    free(p);
    p = cgroup_resolve_path("/libpod_parent/libpod-x", "c1", &err);
    cr_assert_str_eq(p, "/libpod_parent/libpod-x");
    free(p);
    p = cgroup_resolve_path("a/b/", "c1", &err);
    cr_assert_str_eq(p, "/keel/a/b");
    free(p);
    cr_assert_null(cgroup_resolve_path("/a/../b", "c1", &err));
    cr_assert(strstr(err.msg, "..") != NULL, "%s", err.msg);
    cr_assert_null(cgroup_resolve_path("/a//b", "c1", &err));
    cr_assert_null(cgroup_resolve_path("/", "c1", &err));
    cr_assert_null(cgroup_resolve_path("system.slice:keel:c1", "c1", &err));
    cr_assert(strstr(err.msg, "systemd") != NULL, "%s", err.msg);
}
