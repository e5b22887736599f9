/* cgroup v2 devices: no control file, an eBPF program on the directory (cgroup_bpf.c). */
#include "cgroup_v2.h"

int cg_v2_devices_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    if (a->rules == NULL)
        return 0;
    return cg_bpf_attach_devices(d, a->rules, a->nrules, err);
}
