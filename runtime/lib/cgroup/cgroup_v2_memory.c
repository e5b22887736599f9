/* cgroup v2 memory: memory.max, memory.low and memory.swap.max (swap minus limit).
 * swappiness, disableOOMKiller and the kernel limits have no v2 file; runc
 * ignores them there and so does keel. */
#include <errno.h>
#include <inttypes.h>

#include "cgroup_v2.h"

int cg_v2_memory_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    const struct oci_memory *m = a->r->memory;
    char buf[24];

    if (m == NULL)
        return 0;
    if (m->has_checkBeforeUpdate && m->checkBeforeUpdate && m->has_limit &&
        cg_memory_check_usage(d, "memory.current", m->limit, err) < 0)
        return -1;
    if (m->has_swap && m->swap != 0) {
        int64_t swap;

        if (cg_swap_to_v2(m->swap, m->has_limit ? m->limit : 0, &swap, err) < 0)
            return keel_error_wrap(err, "linux.resources.memory");
        /* without swap accounting only "unlimited" and "none" can be honoured */
        bool skip = swap <= 0 && !cg_exists(d, "memory.swap.max");
        if (!skip && cg_write(d, "memory.swap.max", cg_v2_limit(swap, buf, sizeof buf), err) < 0)
            return -1;
    }
    if (m->has_limit && m->limit != 0 &&
        cg_write(d, "memory.max", cg_v2_limit(m->limit, buf, sizeof buf), err) < 0)
        return -1;
    if (m->has_reservation && m->reservation != 0 &&
        cg_write(d, "memory.low", cg_v2_limit(m->reservation, buf, sizeof buf), err) < 0)
        return -1;
    return 0;
}

/* failcnt: memory.events' "max" for memory itself, none for swap. */
static int entry(const struct cg_dir *d, const char *usage_file, const char *max_file,
                 const char *peak_file, bool failcnt_from_events, struct runc_memory_entry **e,
                 keel_err *err)
{
    uint64_t usage = 0, limit = 0, peak = 0, failcnt = 0;
    bool has = false;

    if (cg_stat_u64(d, usage_file, &usage, &has, err) < 0)
        return -1;
    if (!has)
        return 0;
    if (cg_stat_u64(d, max_file, &limit, NULL, err) < 0 ||
        cg_stat_u64(d, peak_file, &peak, NULL, err) < 0)
        return -1;
    if (failcnt_from_events &&
        cg_read_keyed(d, "memory.events", "max", &failcnt, err) < 0 && err->errnum != ENOENT)
        return -1;
    if (CG_STATS_OBJ(*e) == NULL)
        return keel_syserror(err, "memory stats");
    CG_SET_ALWAYS(*e, limit, limit);
    CG_SET(*e, usage, usage);
    CG_SET(*e, max, peak);
    CG_SET_ALWAYS(*e, failcnt, failcnt);
    return 0;
}

int cg_v2_memory_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err)
{
    uint64_t cache = 0;

    if (CG_STATS_OBJ(s->memory) == NULL)
        return keel_syserror(err, "memory stats");
    if (entry(d, "memory.current", "memory.max", "memory.peak", true, &s->memory->usage, err) < 0 ||
        entry(d, "memory.swap.current", "memory.swap.max", "memory.swap.peak", false,
              &s->memory->swap, err) < 0)
        return -1;
    if (cg_read_keyed(d, "memory.stat", "file", &cache, err) < 0 && err->errnum != ENOENT)
        return -1;
    CG_SET(s->memory, cache, cache);
    return 0;
}
