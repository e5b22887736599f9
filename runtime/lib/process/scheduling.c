/* Scheduling settings of the container process (see scheduling.h). */
#include "scheduling.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SCHED_ISO
#define SCHED_ISO 4
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

/* The kernel's struct sched_attr (sched_setattr(2)), version 0 fields. */
struct keel_sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
};

struct named {
    const char *name;
    int value;
};

static int lookup(const struct named *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return t[i].value;
    return -1;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct named policies[] = {
    {"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_ISO", SCHED_ISO}, {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", SCHED_DEADLINE},
};

static const struct named sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01}, {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04}, {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10}, {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static const struct named io_classes[] = {
    {"IOPRIO_CLASS_RT", 1}, {"IOPRIO_CLASS_BE", 2}, {"IOPRIO_CLASS_IDLE", 3},
};

int scheduler_apply(const struct oci_process *p, keel_err *err)
{
    const struct oci_scheduler *s = p->scheduler;
    if (s == NULL)
        return 0;
    int policy = s->policy != NULL ? lookup(policies, N(policies), s->policy) : -1;
    if (policy < 0)
        return keel_error(err, 0, "process.scheduler.policy: unknown policy %s",
                          s->policy != NULL ? s->policy : "(none)");
    struct keel_sched_attr attr = {
        .size = sizeof attr,
        .sched_policy = (uint32_t)policy,
        .sched_nice = s->nice,
        .sched_priority = (uint32_t)s->priority,
        .sched_runtime = s->runtime,
        .sched_deadline = s->deadline,
        .sched_period = s->period,
    };
    for (size_t i = 0; i < s->flags_len; i++) {
        int f = lookup(sched_flags, N(sched_flags), s->flags[i]);
        if (f < 0)
            return keel_error(err, 0, "process.scheduler.flags[%zu]: unknown flag %s", i, s->flags[i]);
        attr.sched_flags |= (uint64_t)f;
    }
    if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
        return keel_syserror(err, "process.scheduler: sched_setattr %s", s->policy);
    return 0;
}

int io_priority_apply(const struct oci_process *p, keel_err *err)
{
    const struct oci_io_priority *io = p->ioPriority;
    if (io == NULL)
        return 0;
    int class = io->class != NULL ? lookup(io_classes, N(io_classes), io->class) : -1;
    if (class < 0)
        return keel_error(err, 0, "process.ioPriority.class: unknown class %s",
                          io->class != NULL ? io->class : "(none)");
    if (io->priority < 0 || io->priority > 7)
        return keel_error(err, 0, "process.ioPriority.priority: %d is not in 0..7", io->priority);
    int prio = (class << IOPRIO_CLASS_SHIFT) | io->priority;
    if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
        return keel_syserror(err, "process.ioPriority: ioprio_set %s %d", io->class, io->priority);
    return 0;
}

static int cpu_number(const char **s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(*s, &end, 10);
    if (end == *s || errno != 0 || v < 0 || v >= CPU_SETSIZE)
        return -1;
    *s = end;
    *out = v;
    return 0;
}

int cpu_list_parse(const char *list, cpu_set_t *set, keel_err *err)
{
    CPU_ZERO(set);
    const char *s = list;
    while (*s != '\0') {
        long lo, hi;
        if (cpu_number(&s, &lo) < 0)
            return keel_error(err, 0, "invalid CPU list %s", list);
        hi = lo;
        if (*s == '-') {
            s++;
            if (cpu_number(&s, &hi) < 0 || hi < lo)
                return keel_error(err, 0, "invalid CPU list %s", list);
        }
        for (long c = lo; c <= hi; c++)
            CPU_SET((size_t)c, set);
        if (*s == ',')
            s++;
        else if (*s != '\0')
            return keel_error(err, 0, "invalid CPU list %s", list);
    }
    return 0;
}

int cpu_affinity_apply(const char *list, const char *field, keel_err *err)
{
    if (list == NULL || *list == '\0')
        return 0;
    cpu_set_t set;
    if (cpu_list_parse(list, &set, err) < 0)
        return keel_error_wrap(err, "%s", field);
    if (sched_setaffinity(0, sizeof set, &set) < 0)
        return keel_syserror(err, "%s: sched_setaffinity %s", field, list);
    return 0;
}
