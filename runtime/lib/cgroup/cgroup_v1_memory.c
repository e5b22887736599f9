/* cgroup v1 memory: limit, soft limit, memory+swap, swappiness, OOM killer, kernel TCP. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "cgroup_internal.h"
#include "cgroup_v1.h"

static int write_i64(const struct cg_dir *d, const char *file, int64_t v, keel_err *err)
{
    return cg_writef(d, file, err, "%" PRId64, v);
}

/* The kernel wants memory <= memory+swap at every moment, so the order of the
 * two writes depends on whether the new swap limit grows or shrinks (as runc). */
static int set_limit_and_swap(const struct cg_dir *d, int64_t limit, int64_t swap, keel_err *err)
{
    if (limit == -1 && swap == 0)
        swap = -1; /* unlimited memory with unset swap: unlimited swap too */
    if (limit != 0 && swap != 0) {
        uint64_t current = 0;

        if (cg_read_u64(d, "memory.memsw.limit_in_bytes", &current, err) < 0)
            return -1;
        if (swap == -1 || current < (uint64_t)swap) {
            if (write_i64(d, "memory.memsw.limit_in_bytes", swap, err) < 0)
                return -1;
            return write_i64(d, "memory.limit_in_bytes", limit, err);
        }
        if (write_i64(d, "memory.limit_in_bytes", limit, err) < 0)
            return -1;
        return write_i64(d, "memory.memsw.limit_in_bytes", swap, err);
    }
    if (limit != 0 && write_i64(d, "memory.limit_in_bytes", limit, err) < 0)
        return -1;
    if (swap != 0 && write_i64(d, "memory.memsw.limit_in_bytes", swap, err) < 0)
        return -1;
    return 0;
}

int cg_v1_memory_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    const struct oci_memory *m = a->r->memory;

    if (m == NULL)
        return 0;
    if (m->has_checkBeforeUpdate && m->checkBeforeUpdate && m->has_limit &&
        cg_memory_check_usage(d, "memory.usage_in_bytes", m->limit, err) < 0)
        return -1;
    if (set_limit_and_swap(d, m->has_limit ? m->limit : 0, m->has_swap ? m->swap : 0, err) < 0)
        return -1;
    if (m->has_reservation && write_i64(d, "memory.soft_limit_in_bytes", m->reservation, err) < 0)
        return -1;
    /* kernel memory limits are gone from current kernels; runc ignores them too */
    if (m->has_kernelTCP && write_i64(d, "memory.kmem.tcp.limit_in_bytes", m->kernelTCP, err) < 0)
        return -1;
    if (m->has_swappiness) {
        if (m->swappiness > 100)
            return keel_error(err, 0, "linux.resources.memory.swappiness: %" PRIu64
                              " is not in 0..100", m->swappiness);
        if (cg_writef(d, "memory.swappiness", err, "%" PRIu64, m->swappiness) < 0)
            return -1;
    }
    if (m->has_disableOOMKiller && m->disableOOMKiller &&
        cg_write(d, "memory.oom_control", "1", err) < 0)
        return -1;
    return 0;
}

/* One runc memory entry from memory.<prefix>{usage,max_usage,limit}_in_bytes and failcnt. */
static int memory_entry(const struct cg_dir *d, const char *prefix, struct runc_memory_entry **e,
                        keel_err *err)
{
    char file[96];
    uint64_t usage = 0, max = 0, limit = 0, failcnt = 0;
    bool has = false;

    snprintf(file, sizeof file, "memory.%susage_in_bytes", prefix);
    if (cg_stat_u64(d, file, &usage, &has, err) < 0)
        return -1;
    if (!has)
        return 0;
    snprintf(file, sizeof file, "memory.%smax_usage_in_bytes", prefix);
    if (cg_stat_u64(d, file, &max, NULL, err) < 0)
        return -1;
    snprintf(file, sizeof file, "memory.%slimit_in_bytes", prefix);
    if (cg_stat_u64(d, file, &limit, NULL, err) < 0)
        return -1;
    snprintf(file, sizeof file, "memory.%sfailcnt", prefix);
    if (cg_stat_u64(d, file, &failcnt, NULL, err) < 0)
        return -1;
    if (CG_STATS_OBJ(*e) == NULL)
        return keel_syserror(err, "memory stats");
    CG_SET_ALWAYS(*e, limit, limit);
    CG_SET(*e, usage, usage);
    CG_SET(*e, max, max);
    CG_SET_ALWAYS(*e, failcnt, failcnt);
    return 0;
}

int cg_v1_memory_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err)
{
    uint64_t cache = 0;

    if (CG_STATS_OBJ(s->memory) == NULL)
        return keel_syserror(err, "memory stats");
    if (memory_entry(d, "", &s->memory->usage, err) < 0 ||
        memory_entry(d, "memsw.", &s->memory->swap, err) < 0 ||
        memory_entry(d, "kmem.", &s->memory->kernel, err) < 0 ||
        memory_entry(d, "kmem.tcp.", &s->memory->kernelTCP, err) < 0)
        return -1;
    if (cg_read_keyed(d, "memory.stat", "cache", &cache, err) < 0 && err->errnum != ENOENT)
        return -1;
    CG_SET(s->memory, cache, cache);
    return 0;
}
