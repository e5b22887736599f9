/* cgroup v1 rdma: HCA handle and object limits per device (the same file as v2). */
#include "cgroup_v1.h"

int cg_v1_rdma_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    for (size_t i = 0; i < a->r->rdma_len; i++) {
        char line[256];

        cg_rdma_line(a->r->rdma_keys[i], &a->r->rdma[i], line, sizeof line);
        if (cg_write(d, "rdma.max", line, err) < 0)
            return -1;
    }
    return 0;
}
