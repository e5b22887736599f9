/* ps: the processes of a container are those in its cgroup. */
#include "container_cgroup.h"

int container_pids(const char *root, const char *id, pid_t **pids, size_t *n, keel_err *err)
{
    cleanup_container struct container c = CONTAINER_INIT;
    cleanup_cgroup struct cgroup *cg = NULL;
    int rc = -1;

    *pids = NULL;
    *n = 0;
    if (container_open(root, id, &c, err) < 0)
        return -1;
    cg = container_cgroup_open(&c, err);
    if (cg != NULL)
        rc = cgroup_pids(cg, pids, n, err);
    return rc;
}
