/* runc's `events` output as C types: {"type":"stats","id":...,"data":{...}}
 * and {"type":"oom","id":...}. Field names and which ones are left out when
 * zero follow runc's types/events.go, so that tools reading runc's stream
 * read keel's. The cgroup library fills struct runc_stats directly. */
#ifndef KEEL_RUNTIME_EVENTS_H
#define KEEL_RUNTIME_EVENTS_H

#include "keel/spec.h"

#define RUNC_CPU_USAGE(X, T) \
    X(T, U64, total, "total", _) \
    X(T, U64, kernel, "kernel", _) \
    X(T, U64, user, "user", _)
SPEC_DECLARE(runc_cpu_usage, RUNC_CPU_USAGE)

#define RUNC_THROTTLING(X, T) \
    X(T, U64, periods, "periods", _) \
    X(T, U64, throttledPeriods, "throttledPeriods", _) \
    X(T, U64, throttledTime, "throttledTime", _)
SPEC_DECLARE(runc_throttling, RUNC_THROTTLING)

#define RUNC_CPU(X, T) \
    X(T, OBJ, usage, "usage", runc_cpu_usage) \
    X(T, OBJ, throttling, "throttling", runc_throttling)
SPEC_DECLARE(runc_cpu, RUNC_CPU)

#define RUNC_MEMORY_ENTRY(X, T) \
    X(T, U64, limit, "limit", _) \
    X(T, U64, usage, "usage", _) \
    X(T, U64, max, "max", _) \
    X(T, U64, failcnt, "failcnt", _)
SPEC_DECLARE(runc_memory_entry, RUNC_MEMORY_ENTRY)

#define RUNC_MEMORY(X, T) \
    X(T, U64, cache, "cache", _) \
    X(T, OBJ, usage, "usage", runc_memory_entry) \
    X(T, OBJ, swap, "swap", runc_memory_entry) \
    X(T, OBJ, kernel, "kernel", runc_memory_entry) \
    X(T, OBJ, kernelTCP, "kernelTCP", runc_memory_entry)
SPEC_DECLARE(runc_memory, RUNC_MEMORY)

#define RUNC_PIDS(X, T) \
    X(T, U64, current, "current", _) \
    X(T, U64, limit, "limit", _)
SPEC_DECLARE(runc_pids, RUNC_PIDS)

#define RUNC_BLKIO_ENTRY(X, T) \
    X(T, U64, major, "major", _) \
    X(T, U64, minor, "minor", _) \
    X(T, STR, op, "op", _) \
    X(T, U64, value, "value", _)
SPEC_DECLARE(runc_blkio_entry, RUNC_BLKIO_ENTRY)

#define RUNC_BLKIO(X, T) \
    X(T, OBJS, ioServiceBytesRecursive, "ioServiceBytesRecursive", runc_blkio_entry) \
    X(T, OBJS, ioServicedRecursive, "ioServicedRecursive", runc_blkio_entry)
SPEC_DECLARE(runc_blkio, RUNC_BLKIO)

#define RUNC_HUGETLB(X, T) \
    X(T, U64, usage, "usage", _) \
    X(T, U64, max, "max", _) \
    X(T, U64, failcnt, "failcnt", _)
SPEC_DECLARE(runc_hugetlb, RUNC_HUGETLB)

#define RUNC_STATS(X, T) \
    X(T, OBJ, cpu, "cpu", runc_cpu) \
    X(T, OBJ, memory, "memory", runc_memory) \
    X(T, OBJ, pids, "pids", runc_pids) \
    X(T, OBJ, blkio, "blkio", runc_blkio) \
    X(T, OBJMAP, hugetlb, "hugetlb", runc_hugetlb)
SPEC_DECLARE(runc_stats, RUNC_STATS)

#define RUNC_EVENT(X, T) \
    X(T, STR, type, "type", _) \
    X(T, STR, id, "id", _) \
    X(T, OBJ, data, "data", runc_stats)
SPEC_DECLARE(runc_event, RUNC_EVENT)

/* `ps -f json`: a bare array of PIDs. */
#define RUNC_PS_PIDS(X, T) \
    X(T, U32S, pids, "pids", _)
SPEC_DECLARE(runc_ps_pids, RUNC_PS_PIDS)

#endif
