/* cgroup v1 freezer: FROZEN/THAWED, waiting until the kernel is done freezing. */
#include <string.h>
#include <time.h>

#include "cgroup_v1.h"

int cg_v1_freezer_get(const struct cg_dir *d, bool *frozen, keel_err *err)
{
    char state[32];

    if (cg_read(d, "freezer.state", state, sizeof state, err) < 0)
        return -1;
    *frozen = strcmp(state, "FROZEN") == 0;
    return 0;
}

int cg_v1_freezer_set(const struct cg_dir *d, bool frozen, keel_err *err)
{
    const char *want = frozen ? "FROZEN" : "THAWED";
    struct timespec pause = { 0, 1000000 };

    /* FREEZING can last while tasks are in uninterruptible sleep; writing
     * again retries the ones that were missed. */
    for (int i = 0; i < 2000; i++) {
        char state[32];

        if (i % 50 == 0 && cg_write(d, "freezer.state", want, err) < 0)
            return -1;
        if (cg_read(d, "freezer.state", state, sizeof state, err) < 0)
            return -1;
        if (strcmp(state, want) == 0)
            return 0;
        nanosleep(&pause, NULL);
    }
    if (frozen)
        cg_write(d, "freezer.state", "THAWED", &(keel_err){ 0 }); /* best effort: undo */
    return keel_error(err, 0, "%s: freezer.state did not become %s", d->path, want);
}
