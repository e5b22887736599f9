/* cgroup v1 hugetlb: per page size limits, and the reservation limit where the kernel has it. */
#include <inttypes.h>
#include <stdio.h>

#include "cgroup_v1.h"

int cg_v1_hugetlb_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    for (size_t i = 0; i < a->r->hugepageLimits_len; i++) {
        const struct oci_hugepage_limit *h = &a->r->hugepageLimits[i];
        char file[96];

        if (h->pageSize == NULL)
            return keel_error(err, 0, "linux.resources.hugepageLimits[%zu].pageSize: missing", i);
        snprintf(file, sizeof file, "hugetlb.%s.limit_in_bytes", h->pageSize);
        if (cg_writef(d, file, err, "%" PRIu64, h->limit) < 0)
            return -1;
        snprintf(file, sizeof file, "hugetlb.%s.rsvd.limit_in_bytes", h->pageSize);
        if (cg_exists(d, file) && cg_writef(d, file, err, "%" PRIu64, h->limit) < 0)
            return -1;
    }
    return 0;
}

int cg_v1_hugetlb_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err)
{
    return cg_hugetlb_stats(d, "usage_in_bytes", "max_usage_in_bytes", "failcnt", s, err);
}
