/* The cgroup v1 manager: one directory per controller hierarchy under
 * root/<controller>; nothing to clone into, every hierarchy made after. */
#include "cgroup_internal.h"

static int v1_create_early(struct cgroup *cg, keel_err *err)
{
    (void)cg, (void)err;
    return 0;
}

static int v1_create_late(struct cgroup *cg, keel_err *err)
{
    return cg_fs_create(cg, CG_HIERS_V1, err);
}

static void v1_undo_early(struct cgroup *cg)
{
    (void)cg;
}

static int v1_open(struct cgroup *cg, keel_err *err)
{
    return cg_fs_open(cg, CG_HIERS_V1, err);
}

static int v1_destroy(struct cgroup *cg, keel_err *err)
{
    return cg_fs_remove(cg, CG_HIERS_V1, err);
}

static bool v1_remove_if_empty(const char *root, const char *path)
{
    return cg_fs_remove_if_empty(root, path, CG_HIERS_V1, "");
}

static int v1_add_pid(struct cgroup *cg, pid_t pid, keel_err *err)
{
    return cg_fs_add_pid(cg, CG_HIERS_V1, pid, err);
}

static int v1_add_pid_deferred(struct cgroup *cg, pid_t pid, int *fds, size_t *n, keel_err *err)
{
    (void)pid;
    return cg_fs_open_tasks(cg, fds, n, err);
}

const struct cgroup_manager cgroup_manager_v1 = {
    .name = "v1",
    .create_early = v1_create_early,
    .create_late = v1_create_late,
    .undo_early = v1_undo_early,
    .open = v1_open,
    .destroy = v1_destroy,
    .remove_if_empty = v1_remove_if_empty,
    .add_pid = v1_add_pid,
    .add_pid_deferred = v1_add_pid_deferred,
};
