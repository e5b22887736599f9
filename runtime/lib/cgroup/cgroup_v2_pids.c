/* cgroup v2 pids: pids.max, -1 being "max". */
#include "cgroup_v2.h"
#include "cgroup_v1.h"

int cg_v2_pids_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    const struct oci_pids *p = a->r->pids;
    char buf[24];

    if (p == NULL || !p->has_limit)
        return 0;
    return cg_write(d, "pids.max", cg_v2_limit(p->limit, buf, sizeof buf), err);
}

int cg_v2_pids_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err)
{
    return cg_v1_pids_stats(d, s, err); /* pids.current and pids.max: the same files */
}
