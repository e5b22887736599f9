/* cgroup v2 cpuset: cpuset.cpus and cpuset.mems, as in v1. */
#include "cgroup_v2.h"

int cg_v2_cpuset_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    const struct oci_cpu *c = a->r->cpu;

    if (c == NULL)
        return 0;
    if (c->cpus != NULL && c->cpus[0] != '\0' && cg_write(d, "cpuset.cpus", c->cpus, err) < 0)
        return -1;
    if (c->mems != NULL && c->mems[0] != '\0' && cg_write(d, "cpuset.mems", c->mems, err) < 0)
        return -1;
    return 0;
}
