/* cgroup v2 rdma: rdma.max, one line per device. */
#include "cgroup_v2.h"
#include "cgroup_v1.h"

int cg_v2_rdma_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    return cg_v1_rdma_apply(d, a, err); /* the file and its format are the same in v1 */
}
