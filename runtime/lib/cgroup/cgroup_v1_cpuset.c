/* cgroup v1 cpuset: the CPUs and memory nodes the container may use. */
#include <errno.h>

#include "cgroup_v1.h"

int cg_v1_cpuset_inherit(const struct cg_dir *parent, const struct cg_dir *child, bool *complete,
                         keel_err *err)
{
    static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

    if (complete != NULL)
        *complete = true;
    for (size_t i = 0; i < 2; i++) {
        char mine[4096], theirs[4096];

        if (cg_read(child, files[i], mine, sizeof mine, err) < 0)
            return -1;
        if (mine[0] != '\0')
            continue;
        if (cg_read(parent, files[i], theirs, sizeof theirs, err) < 0)
            return -1;
        if (theirs[0] != '\0') {
            if (cg_write(child, files[i], theirs, err) < 0)
                return -1;
        } else if (complete != NULL) {
            *complete = false;
        }
    }
    return 0;
}
