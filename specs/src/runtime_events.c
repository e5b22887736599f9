/* Tables for runc's events types declared in keel/runtime_events.h. */
#include <stdlib.h>

#include "keel/runtime_events.h"

SPEC_DEFINE(runc_cpu_usage, RUNC_CPU_USAGE)
SPEC_DEFINE(runc_throttling, RUNC_THROTTLING)
SPEC_DEFINE(runc_cpu, RUNC_CPU)
SPEC_DEFINE(runc_memory_entry, RUNC_MEMORY_ENTRY)
SPEC_DEFINE(runc_memory, RUNC_MEMORY)
SPEC_DEFINE(runc_pids, RUNC_PIDS)
SPEC_DEFINE(runc_blkio_entry, RUNC_BLKIO_ENTRY)
SPEC_DEFINE(runc_blkio, RUNC_BLKIO)
SPEC_DEFINE(runc_hugetlb, RUNC_HUGETLB)
SPEC_DEFINE(runc_stats, RUNC_STATS)
SPEC_DEFINE(runc_event, RUNC_EVENT)
SPEC_DEFINE_AS(runc_ps_pids, RUNC_PS_PIDS, true)
