/* cgroup v1 pids: the task limit. */
#include <inttypes.h>

#include "cgroup_v1.h"

int cg_v1_pids_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    const struct oci_pids *p = a->r->pids;
    char buf[24];

    if (p == NULL || !p->has_limit)
        return 0;
    return cg_write(d, "pids.max", cg_v2_limit(p->limit, buf, sizeof buf), err);
}

int cg_v1_pids_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err)
{
    uint64_t current = 0, limit = 0;
    bool has = false;

    if (cg_stat_u64(d, "pids.current", &current, &has, err) < 0 ||
        cg_stat_u64(d, "pids.max", &limit, NULL, err) < 0)
        return -1;
    if (!has)
        return 0;
    if (CG_STATS_OBJ(s->pids) == NULL)
        return keel_syserror(err, "pids stats");
    CG_SET(s->pids, current, current);
    CG_SET(s->pids, limit, limit == UINT64_MAX ? 0 : limit);
    return 0;
}
