/* The cgroup v1 controllers, one file each; cgroup_v1.c lists them. */
#ifndef KEEL_CGROUP_V1_H
#define KEEL_CGROUP_V1_H

#include "cgroup_internal.h"

int cg_v1_memory_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v1_memory_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err);
int cg_v1_cpu_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v1_cpu_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err);
int cg_v1_cpuacct_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err);
/* A new cpuset cgroup starts with empty cpus and mems, which refuse tasks:
 * copy the parent's into child where child has none. *complete is false when
 * the parent had none to give either (complete may be NULL). */
int cg_v1_cpuset_inherit(const struct cg_dir *parent, const struct cg_dir *child, bool *complete,
                         keel_err *err);
int cg_v1_pids_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v1_pids_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err);
int cg_v1_blkio_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v1_blkio_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err);
int cg_v1_hugetlb_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v1_hugetlb_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err);
int cg_v1_net_cls_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v1_net_prio_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v1_devices_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v1_rdma_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v1_freezer_set(const struct cg_dir *d, bool frozen, keel_err *err);
int cg_v1_freezer_get(const struct cg_dir *d, bool *frozen, keel_err *err);

#endif
