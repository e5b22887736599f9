/* linux.memoryPolicy: names to set_mempolicy(2) values (see mempolicy.h). */
#include "mempolicy.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "scheduling.h"

/* The names and <linux/mempolicy.h>'s values, in one order; the kernel
 * headers of older distributions lack the newest (MPOL_WEIGHTED_INTERLEAVE
 * is Linux 6.9). */
const char *const memory_policy_mode_names[] = {
    "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_LOCAL",
    "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE", NULL,
};
static const int mode_values[] = { 0, 1, 2, 3, 4, 5, 6 };
const char *const memory_policy_flag_names[] = {
    "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
};
static const int flag_values[] = { 1 << 13, 1 << 14, 1 << 15 };

/* The index of name in names (NULL-terminated), or -1. */
static int name_index(const char *const *names, const char *name)
{
    for (int i = 0; name != NULL && names[i] != NULL; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

int memory_policy_parse(const struct oci_memory_policy *mp, int *mode, cpu_set_t *nodes,
                        keel_err *err)
{
    int m = name_index(memory_policy_mode_names, mp->mode);
    if (m < 0)
        return keel_error(err, 0, "linux.memoryPolicy.mode: unknown mode %s",
                          mp->mode != NULL ? mp->mode : "(none)");
    *mode = mode_values[m];
    for (size_t i = 0; i < mp->flags_len; i++) {
        int f = name_index(memory_policy_flag_names, mp->flags[i]);
        if (f < 0)
            return keel_error(err, 0, "linux.memoryPolicy.flags[%zu]: unknown flag %s", i,
                              mp->flags[i]);
        *mode |= flag_values[f];
    }
    if (cpu_list_parse(mp->nodes != NULL ? mp->nodes : "", nodes, err) < 0)
        return keel_error(err, 0, "linux.memoryPolicy.nodes: invalid node list %s", mp->nodes);
    return 0;
}

int memory_policy_apply(const struct oci_config *cfg, keel_err *err)
{
    const struct oci_memory_policy *mp = cfg->linux != NULL ? cfg->linux->memoryPolicy : NULL;
    if (mp == NULL)
        return 0;
    int mode;
    cpu_set_t nodes;
    if (memory_policy_parse(mp, &mode, &nodes, err) < 0)
        return -1;
    bool none = CPU_COUNT(&nodes) == 0;
    if (syscall(SYS_set_mempolicy, mode, none ? NULL : (unsigned long *)&nodes,
                none ? 0UL : (unsigned long)CPU_SETSIZE) < 0)
        return keel_syserror(err, "linux.memoryPolicy: set_mempolicy");
    return 0;
}
