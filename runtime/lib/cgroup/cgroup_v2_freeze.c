/* cgroup v2 freezer: cgroup.freeze, done when cgroup.events says frozen. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "cgroup_v2.h"

int cg_v2_freeze_get(const struct cg_dir *d, bool *frozen, keel_err *err)
{
    uint64_t v = 0;

    *frozen = false;
    /* cgroup.events says whether it is frozen; cgroup.freeze only what was asked */
    if (cg_read_keyed(d, "cgroup.events", "frozen", &v, err) < 0) {
        if (err->errnum != ENOENT)
            return -1;
        if (cg_read_u64(d, "cgroup.freeze", &v, err) < 0)
            return err->errnum == ENOENT ? 0 : -1;
    }
    *frozen = v == 1;
    return 0;
}

int cg_v2_freeze_set(const struct cg_dir *d, bool frozen, keel_err *err)
{
    struct timespec pause = { 0, 1000000 };

    if (cg_write(d, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
        return -1;
    for (int i = 0; i < 2000; i++) {
        bool now;

        if (cg_v2_freeze_get(d, &now, err) < 0)
            return -1;
        if (now == frozen)
            return 0;
        nanosleep(&pause, NULL);
    }
    if (frozen)
        cg_write(d, "cgroup.freeze", "0", &(keel_err){ 0 }); /* best effort: undo */
    return keel_error(err, 0, "%s: cgroup did not become %s", d->path, frozen ? "frozen" : "thawed");
}
