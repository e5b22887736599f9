/* cgroup v1 cpu: shares, CFS quota/period/burst, realtime runtime/period, idle. */
#include <errno.h>
#include <inttypes.h>

#include "cgroup_v1.h"

static int set_cfs(const struct cg_dir *d, const struct oci_cpu *c, keel_err *err)
{
    bool quota = c->has_quota && c->quota != 0;

    if (c->has_period && c->period != 0) {
        keel_err first;
        if (cg_writef(d, "cpu.cfs_period_us", &first, "%" PRIu64, c->period) == 0) {
            return quota ? cg_writef(d, "cpu.cfs_quota_us", err, "%" PRId64, c->quota) : 0;
        }
        /* a period below the current quota is refused until the quota shrinks */
        if (first.errnum != EINVAL || !quota) {
            *err = first;
            return -1;
        }
        if (cg_writef(d, "cpu.cfs_quota_us", err, "%" PRId64, c->quota) < 0)
            return -1;
        return cg_writef(d, "cpu.cfs_period_us", err, "%" PRIu64, c->period);
    }
    return quota ? cg_writef(d, "cpu.cfs_quota_us", err, "%" PRId64, c->quota) : 0;
}

int cg_v1_cpu_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    const struct oci_cpu *c = a->r->cpu;

    if (c == NULL)
        return 0;
    if (c->has_shares && c->shares != 0 &&
        cg_writef(d, "cpu.shares", err, "%" PRIu64, c->shares) < 0)
        return -1;
    if (set_cfs(d, c, err) < 0)
        return -1;
    if (c->has_burst && cg_writef(d, "cpu.cfs_burst_us", err, "%" PRIu64, c->burst) < 0)
        return -1;
    if (c->has_realtimePeriod && c->realtimePeriod != 0 &&
        cg_writef(d, "cpu.rt_period_us", err, "%" PRIu64, c->realtimePeriod) < 0)
        return -1;
    if (c->has_realtimeRuntime && c->realtimeRuntime != 0 &&
        cg_writef(d, "cpu.rt_runtime_us", err, "%" PRId64, c->realtimeRuntime) < 0)
        return -1;
    if (c->has_idle && cg_writef(d, "cpu.idle", err, "%" PRId64, c->idle) < 0)
        return -1;
    return 0;
}

int cg_v1_cpu_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err)
{
    uint64_t periods = 0, throttled = 0, time = 0;

    if (cg_read_keyed(d, "cpu.stat", "nr_periods", &periods, err) < 0 ||
        cg_read_keyed(d, "cpu.stat", "nr_throttled", &throttled, err) < 0 ||
        cg_read_keyed(d, "cpu.stat", "throttled_time", &time, err) < 0)
        return err->errnum == ENOENT ? 0 : -1;
    if (CG_STATS_OBJ(s->cpu) == NULL || CG_STATS_OBJ(s->cpu->throttling) == NULL)
        return keel_syserror(err, "cpu stats");
    CG_SET(s->cpu->throttling, periods, periods);
    CG_SET(s->cpu->throttling, throttledPeriods, throttled);
    CG_SET(s->cpu->throttling, throttledTime, time);
    return 0;
}
