/* update: new resource limits for a container that is still alive. */
#include "container_cgroup.h"

int container_update(const char *root, const char *id, const struct oci_resources *r,
                     keel_err *err)
{
    cleanup_container struct container c = CONTAINER_INIT;
    cleanup_cgroup struct cgroup *cg = NULL;
    enum container_status s;
    int rc = -1;

    if (container_open(root, id, &c, err) < 0)
        return -1;
    s = container_status(&c);
    if (s == STATUS_STOPPED)
        keel_error(err, 0, "container not running");
    else if ((cg = container_cgroup_open(&c, err)) != NULL)
        rc = cgroup_update(cg, r, err);
    return rc < 0 ? keel_error_wrap(err, "update %s", id) : 0;
}
