/* linux.memoryPolicy (config-linux.md "Memory policy"): the NUMA policy the
 * container's processes run under, by set_mempolicy(2). */
#ifndef KEEL_MEMPOLICY_H
#define KEEL_MEMPOLICY_H

#include <sched.h>

#include "keel/error.h"
#include "keel/runtime_spec.h"

/* The mode (with its flags or'ed in) and the nodes of mp; the nodes use
 * cpu_set_t as a plain bitmap (node N is bit N). Errors name the JSON path. */
int memory_policy_parse(const struct oci_memory_policy *mp, int *mode, cpu_set_t *nodes,
                        keel_err *err);
/* set_mempolicy for the calling process (nothing without linux.memoryPolicy). */
int memory_policy_apply(const struct oci_config *cfg, keel_err *err);

/* The mode and flag names keel knows, NULL-terminated (for `keel features`). */
extern const char *const memory_policy_mode_names[];
extern const char *const memory_policy_flag_names[];

#endif
