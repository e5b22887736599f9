/* pause and resume: the container's cgroup frozen (v1 freezer, v2 cgroup.freeze) or thawed. */
#include "container_cgroup.h"

int container_pause(const char *root, const char *id, bool pause, keel_err *err)
{
    cleanup_container struct container c = CONTAINER_INIT;
    cleanup_cgroup struct cgroup *cg = NULL;
    enum container_status s;
    int rc = -1;

    if (container_open(root, id, &c, err) < 0)
        return -1;
    s = container_status(&c);
    if (pause && s != STATUS_RUNNING && s != STATUS_CREATED)
        keel_error(err, 0, "container not running");
    else if (!pause && s != STATUS_PAUSED)
        keel_error(err, 0, "container not paused");
    else if ((cg = container_cgroup_open(&c, err)) != NULL)
        rc = cgroup_freeze(cg, pause, err);
    return rc < 0 ? keel_error_wrap(err, "%s %s", pause ? "pause" : "resume", id) : 0;
}
