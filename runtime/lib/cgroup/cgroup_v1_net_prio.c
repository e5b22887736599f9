/* cgroup v1 net_prio: a priority per network interface. */
#include <inttypes.h>

#include "cgroup_v1.h"

int cg_v1_net_prio_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    const struct oci_network *n = a->r->network;

    if (n == NULL)
        return 0;
    for (size_t i = 0; i < n->priorities_len; i++) {
        const struct oci_net_priority *p = &n->priorities[i];
        if (p->name == NULL)
            return keel_error(err, 0, "linux.resources.network.priorities[%zu].name: missing", i);
        if (cg_writef(d, "net_prio.ifpriomap", err, "%s %" PRIu32, p->name, p->priority) < 0)
            return -1;
    }
    return 0;
}
