/* cgroup v1 cpuacct: CPU time used, nothing to set. */
#include <errno.h>
#include <unistd.h>

#include "cgroup_v1.h"

int cg_v1_cpuacct_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err)
{
    uint64_t total = 0, user = 0, system = 0;
    bool has = false;
    long hz = sysconf(_SC_CLK_TCK);
    uint64_t ns_per_tick = hz > 0 ? 1000000000ULL / (uint64_t)hz : 10000000ULL;

    if (cg_stat_u64(d, "cpuacct.usage", &total, &has, err) < 0)
        return -1;
    if (!has)
        return 0;
    if ((cg_read_keyed(d, "cpuacct.stat", "user", &user, err) < 0 ||
         cg_read_keyed(d, "cpuacct.stat", "system", &system, err) < 0) && err->errnum != ENOENT)
        return -1;
    if (CG_STATS_OBJ(s->cpu) == NULL || CG_STATS_OBJ(s->cpu->usage) == NULL)
        return keel_syserror(err, "cpu stats");
    CG_SET(s->cpu->usage, total, total);
    CG_SET_ALWAYS(s->cpu->usage, user, user * ns_per_tick);
    CG_SET_ALWAYS(s->cpu->usage, kernel, system * ns_per_tick);
    return 0;
}
