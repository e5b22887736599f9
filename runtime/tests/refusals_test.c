/* Settings that cannot be applied on this host are refused before anything is made:
 * network limits without their v1 hierarchy, LSM labels without the module. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "lsm.h"

Test(refusals, network_limits_need_their_hierarchy)
{
    char root[] = "/tmp/keel-cgroot-XXXXXX", dir[64];
    cr_assert_not_null(mkdtemp(root));
    struct oci_network n = {.has_classID = true, .classID = 0x100001};
    keel_err err = {0};
    cr_assert_eq(cgroup_check_network(root, &n, &err), -1);
    cr_assert_str_eq(err.msg, "linux.resources.network.classID: no net_cls cgroup hierarchy on this host");
    snprintf(dir, sizeof dir, "%s/net_cls", root);
    cr_assert_eq(mkdir(dir, 0755), 0);
    cr_assert_eq(cgroup_check_network(root, &n, &err), 0, "%s", err.msg);
    struct oci_net_priority prio = {.name = "lo", .priority = 2};
    struct oci_network p = {.priorities = &prio, .priorities_len = 1};
    cr_assert_eq(cgroup_check_network(root, &p, &err), -1);
    cr_assert_eq(cgroup_check_network(root, NULL, &err), 0);
    rmdir(dir);
    rmdir(root);
}

Test(refusals, lsm_labels_need_their_module)
{
    struct oci_process p = {.apparmorProfile = "docker-default"};
    keel_err err = {0};
    cr_assert_eq(lsm_check(&p, "process", &err), lsm_apparmor_enabled() ? 0 : -1);
    p.apparmorProfile = NULL;
    p.selinuxLabel = "system_u:system_r:container_t:s0";
    cr_assert_eq(lsm_check(&p, "process", &err), lsm_selinux_enabled() ? 0 : -1);
    p.selinuxLabel = "";
    cr_assert_eq(lsm_check(&p, "process", &err), 0, "an empty label asks for nothing");
}
