/* The cgroup v2 controller table: one directory, controllers enabled from the parents. */
#include "cgroup_v2.h"

/* unified last, so that its raw values win over the converted ones. */
const struct cg_controller cg_v2_controllers[] = {
    { "cpuset", "cpuset", cg_cpuset_apply, NULL },
    { "cpu", "cpu", cg_v2_cpu_apply, cg_v2_cpu_stats },
    { "memory", "memory", cg_v2_memory_apply, cg_v2_memory_stats },
    { "pids", "pids", cg_v2_pids_apply, cg_v2_pids_stats },
    { "io", "blkio", cg_v2_io_apply, cg_v2_io_stats },
    { "hugetlb", "hugetlb", cg_v2_hugetlb_apply, cg_v2_hugetlb_stats },
    { "rdma", "rdma", cg_v2_rdma_apply, NULL },
    { NULL, "devices", cg_v2_devices_apply, NULL },
    { NULL, NULL, cg_v2_unified_apply, NULL },
};
const size_t cg_v2_ncontrollers = sizeof cg_v2_controllers / sizeof cg_v2_controllers[0];
