/* The cgroup v2 controllers, one file each; cgroup_v2.c lists them. */
#ifndef KEEL_CGROUP_V2_H
#define KEEL_CGROUP_V2_H

#include "cgroup_internal.h"

int cg_v2_memory_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v2_memory_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err);
int cg_v2_cpu_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v2_cpu_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err);
int cg_v2_pids_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v2_pids_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err);
int cg_v2_io_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v2_io_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err);
int cg_v2_hugetlb_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v2_hugetlb_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err);
int cg_v2_rdma_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v2_devices_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v2_unified_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err);
int cg_v2_freeze_set(const struct cg_dir *d, bool frozen, keel_err *err);
int cg_v2_freeze_get(const struct cg_dir *d, bool *frozen, keel_err *err);

#endif
