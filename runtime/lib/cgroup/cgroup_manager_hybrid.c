/* The hybrid manager (this kind of host: systemd's default on older
 * distributions): the v1 hierarchies plus a cgroup2 mount at root/unified.
 * The cgroup2 directory is made first, for the clone; the v1 ones after. */
#include <unistd.h>

#include "cgroup_internal.h"

static int hybrid_create_early(struct cgroup *cg, keel_err *err)
{
    return cg_fs_create(cg, CG_HIERS_V2, err);
}

static int hybrid_create_late(struct cgroup *cg, keel_err *err)
{
    return cg_fs_create(cg, CG_HIERS_V1, err);
}

static void hybrid_undo_early(struct cgroup *cg)
{
    cg_fs_undo_create(cg, CG_HIERS_V2);
}

static int hybrid_open(struct cgroup *cg, keel_err *err)
{
    return cg_fs_open(cg, CG_HIERS_ALL, err);
}

static int hybrid_destroy(struct cgroup *cg, keel_err *err)
{
    return cg_fs_remove(cg, CG_HIERS_ALL, err);
}

static bool hybrid_remove_if_empty(const char *root, const char *path)
{
    return cg_fs_remove_if_empty(root, path, CG_HIERS_ALL, "/unified");
}

static int hybrid_add_pid(struct cgroup *cg, pid_t pid, keel_err *err)
{
    return cg_fs_add_pid(cg, CG_HIERS_ALL, pid, err);
}

static int hybrid_add_pid_deferred(struct cgroup *cg, pid_t pid, int *fds, size_t *n,
                                   keel_err *err)
{
    if (cg_fs_open_tasks(cg, fds, n, err) < 0)
        return -1;
    if (cg->unified_joined || cg_fs_add_pid(cg, CG_HIERS_V2, pid, err) == 0)
        return 0;
    while (*n > 0)
        close(fds[--*n]);
    return -1;
}

const struct cgroup_manager cgroup_manager_hybrid = {
    .name = "hybrid",
    .create_early = hybrid_create_early,
    .create_late = hybrid_create_late,
    .undo_early = hybrid_undo_early,
    .open = hybrid_open,
    .destroy = hybrid_destroy,
    .remove_if_empty = hybrid_remove_if_empty,
    .add_pid = hybrid_add_pid,
    .add_pid_deferred = hybrid_add_pid_deferred,
};
