/* cgroup v2 cpu: cpu.weight (from shares), cpu.max, cpu.max.burst, cpu.idle.
 * There is no v2 realtime group scheduling: asking for it is an error. */
#include <errno.h>
#include <inttypes.h>

#include "cgroup_v2.h"

int cg_v2_cpu_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    const struct oci_cpu *c = a->r->cpu;
    char max[64];

    if (c == NULL)
        return 0;
    if ((c->has_realtimeRuntime && c->realtimeRuntime != 0) ||
        (c->has_realtimePeriod && c->realtimePeriod != 0))
        return keel_error(err, 0, "linux.resources.cpu.realtimeRuntime/realtimePeriod: "
                          "cgroup v2 has no realtime scheduling control");
    if (c->has_shares && c->shares != 0 &&
        cg_writef(d, "cpu.weight", err, "%" PRIu64, cg_shares_to_weight(c->shares)) < 0)
        return -1;
    cg_cpu_max(c, max, sizeof max);
    if (max[0] != '\0' && cg_write(d, "cpu.max", max, err) < 0)
        return -1;
    if (c->has_burst && cg_writef(d, "cpu.max.burst", err, "%" PRIu64, c->burst) < 0)
        return -1;
    if (c->has_idle && cg_writef(d, "cpu.idle", err, "%" PRId64, c->idle) < 0)
        return -1;
    return 0;
}

int cg_v2_cpu_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err)
{
    uint64_t usage = 0, user = 0, system = 0, periods = 0, throttled = 0, time = 0;
    static const char *const keys[] = { "usage_usec", "user_usec", "system_usec",
                                        "nr_periods", "nr_throttled", "throttled_usec" };
    uint64_t *vals[] = { &usage, &user, &system, &periods, &throttled, &time };

    for (size_t i = 0; i < 6; i++) {
        if (cg_read_keyed(d, "cpu.stat", keys[i], vals[i], err) < 0)
            return err->errnum == ENOENT ? 0 : -1;
    }
    if (CG_STATS_OBJ(s->cpu) == NULL || CG_STATS_OBJ(s->cpu->usage) == NULL ||
        CG_STATS_OBJ(s->cpu->throttling) == NULL)
        return keel_syserror(err, "cpu stats");
    CG_SET(s->cpu->usage, total, usage * 1000);
    CG_SET_ALWAYS(s->cpu->usage, user, user * 1000);
    CG_SET_ALWAYS(s->cpu->usage, kernel, system * 1000);
    CG_SET(s->cpu->throttling, periods, periods);
    CG_SET(s->cpu->throttling, throttledPeriods, throttled);
    CG_SET(s->cpu->throttling, throttledTime, time * 1000);
    return 0;
}
