/* The cgroup v2 manager: one directory in the unified hierarchy at root,
 * made before the clone so that the init is cloned straight into it. */
#include "cgroup_internal.h"

static int v2_create_early(struct cgroup *cg, keel_err *err)
{
    return cg_fs_create(cg, CG_HIERS_V2, err);
}

static int v2_create_late(struct cgroup *cg, keel_err *err)
{
    (void)cg, (void)err;
    return 0;
}

static void v2_undo_early(struct cgroup *cg)
{
    cg_fs_undo_create(cg, CG_HIERS_V2);
}

static int v2_open(struct cgroup *cg, keel_err *err)
{
    return cg_fs_open(cg, CG_HIERS_V2, err);
}

static int v2_destroy(struct cgroup *cg, keel_err *err)
{
    return cg_fs_remove(cg, CG_HIERS_V2, err);
}

static bool v2_remove_if_empty(const char *root, const char *path)
{
    return cg_fs_remove_if_empty(root, path, CG_HIERS_V2, "");
}

static int v2_add_pid(struct cgroup *cg, pid_t pid, keel_err *err)
{
    return cg_fs_add_pid(cg, CG_HIERS_V2, pid, err);
}

static int v2_add_pid_deferred(struct cgroup *cg, pid_t pid, int *fds, size_t *n, keel_err *err)
{
    (void)fds;
    *n = 0;
    return cg->unified_joined ? 0 : cg_fs_add_pid(cg, CG_HIERS_V2, pid, err);
}

const struct cgroup_manager cgroup_manager_v2 = {
    .name = "v2",
    .create_early = v2_create_early,
    .create_late = v2_create_late,
    .undo_early = v2_undo_early,
    .open = v2_open,
    .destroy = v2_destroy,
    .remove_if_empty = v2_remove_if_empty,
    .add_pid = v2_add_pid,
    .add_pid_deferred = v2_add_pid_deferred,
};
