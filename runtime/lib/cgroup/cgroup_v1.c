/* The cgroup v1 controller table: one hierarchy per controller under the root. */
#include "cgroup_v1.h"

/* cpuset first: its cpus and mems must be set before anything joins. */
const struct cg_controller cg_v1_controllers[] = {
    { "cpuset", NULL, cg_cpuset_apply, NULL },
    { "cpu", NULL, cg_v1_cpu_apply, cg_v1_cpu_stats },
    { "cpuacct", NULL, NULL, cg_v1_cpuacct_stats },
    { "memory", NULL, cg_v1_memory_apply, cg_v1_memory_stats },
    { "pids", NULL, cg_v1_pids_apply, cg_v1_pids_stats },
    { "blkio", NULL, cg_v1_blkio_apply, cg_v1_blkio_stats },
    { "hugetlb", NULL, cg_v1_hugetlb_apply, cg_v1_hugetlb_stats },
    { "net_cls", NULL, cg_v1_net_cls_apply, NULL },
    { "net_prio", NULL, cg_v1_net_prio_apply, NULL },
    { "devices", NULL, cg_v1_devices_apply, NULL },
    { "freezer", NULL, NULL, NULL },
    { "rdma", NULL, cg_v1_rdma_apply, NULL },
    /* no controller, but where systemd and `systemd-cgls` look for a process: runc puts
     * the container at its cgroupsPath there too */
    { "systemd", NULL, NULL, NULL },
};
const size_t cg_v1_ncontrollers = sizeof cg_v1_controllers / sizeof cg_v1_controllers[0];

_Static_assert(sizeof cg_v1_controllers / sizeof cg_v1_controllers[0] <= CG_V1_MAX,
               "CG_V1_MAX too small");
