/* cgroup v1 net_cls: the class id tagged on the container's packets. */
#include <inttypes.h>

#include "cgroup_v1.h"

int cg_v1_net_cls_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    const struct oci_network *n = a->r->network;

    if (n == NULL || !n->has_classID)
        return 0;
    return cg_writef(d, "net_cls.classid", err, "%" PRIu32, n->classID);
}
