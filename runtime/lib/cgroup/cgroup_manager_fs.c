/* The cgroupfs managers, one per host layout: v1 (a hierarchy per controller
 * under root/<controller>), v2 (one unified hierarchy at root) and hybrid (the
 * v1 hierarchies plus cgroup2 at root/unified, as on this host). They differ
 * in their hierarchies, in which of them is made before the clone (cgroup2,
 * for CLONE_INTO_CGROUP) and where cgroup2 is; the directory work is
 * cgroup_fs.c's. */
#include <unistd.h>

#include "cgroup_internal.h"

struct cg_fs_layout {
    int early;           /* CG_HIERS_*: made before the clone */
    int late;            /* made after it */
    const char *unified; /* where cgroup2 is under the root */
};

static const struct cg_fs_layout *layout(const struct cgroup *cg)
{
    return cg->manager->fs;
}

static int fs_create_early(struct cgroup *cg, keel_err *err)
{
    return cg_fs_create(cg, layout(cg)->early, err);
}

static int fs_create_late(struct cgroup *cg, keel_err *err)
{
    return cg_fs_create(cg, layout(cg)->late, err);
}

static void fs_undo_early(struct cgroup *cg)
{
    cg_fs_undo_create(cg, layout(cg)->early);
}

static int fs_open(struct cgroup *cg, keel_err *err)
{
    return cg_fs_open(cg, layout(cg)->early | layout(cg)->late, err);
}

static int fs_destroy(struct cgroup *cg, keel_err *err)
{
    return cg_fs_remove(cg, layout(cg)->early | layout(cg)->late, err);
}

static bool fs_remove_if_empty(const struct cgroup_manager *m, const char *root, const char *path)
{
    return cg_fs_remove_if_empty(root, path, m->fs->early | m->fs->late, m->fs->unified);
}

static int fs_add_pid(struct cgroup *cg, pid_t pid, keel_err *err)
{
    return cg_fs_add_pid(cg, layout(cg)->early | layout(cg)->late, pid, err);
}

/* v1 by `tasks` fds for the process itself, cgroup2 by its cgroup.procs
 * unless the process was cloned there. */
static int fs_add_pid_deferred(struct cgroup *cg, pid_t pid, int *fds, size_t *n, keel_err *err)
{
    int all = layout(cg)->early | layout(cg)->late;

    *n = 0;
    if ((all & CG_HIERS_V1) && cg_fs_open_tasks(cg, fds, n, err) < 0)
        return -1;
    if (!(all & CG_HIERS_V2) || cg->unified_joined || cg_fs_add_pid(cg, CG_HIERS_V2, pid, err) == 0)
        return 0;
    while (*n > 0)
        close(fds[--*n]);
    return -1;
}

#define CG_FS_MANAGER(NAME, LAYOUT) {                                                   \
    .name = NAME, .fs = &LAYOUT, .create_early = fs_create_early,                      \
    .create_late = fs_create_late, .undo_early = fs_undo_early, .open = fs_open,       \
    .destroy = fs_destroy, .remove_if_empty = fs_remove_if_empty, .add_pid = fs_add_pid, \
    .add_pid_deferred = fs_add_pid_deferred }

static const struct cg_fs_layout v1_layout = { 0, CG_HIERS_V1, "" };
static const struct cg_fs_layout v2_layout = { CG_HIERS_V2, 0, "" };
static const struct cg_fs_layout hybrid_layout = { CG_HIERS_V2, CG_HIERS_V1, "/unified" };

const struct cgroup_manager cgroup_manager_v1 = CG_FS_MANAGER("v1", v1_layout);
const struct cgroup_manager cgroup_manager_v2 = CG_FS_MANAGER("v2", v2_layout);
const struct cgroup_manager cgroup_manager_hybrid = CG_FS_MANAGER("hybrid", hybrid_layout);
