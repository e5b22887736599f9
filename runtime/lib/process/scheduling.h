/* process.scheduler, process.ioPriority and process.execCPUAffinity. */
#ifndef KEEL_SCHEDULING_H
#define KEEL_SCHEDULING_H

#include <sched.h>

#include "keel/error.h"
#include "keel/runtime_spec.h"

/* sched_setattr(2) from process.scheduler (nothing when absent). */
int scheduler_apply(const struct oci_process *p, keel_err *err);
/* ioprio_set(2) for the process from process.ioPriority. */
int io_priority_apply(const struct oci_process *p, keel_err *err);
/* sched_setaffinity(2) from a CPU list ("0-3,7"); `field` names it in errors.
 * An absent or empty list changes nothing. */
int cpu_affinity_apply(const char *list, const char *field, keel_err *err);
/* Parses a CPU list into *set. */
int cpu_list_parse(const char *list, cpu_set_t *set, keel_err *err);

#endif
