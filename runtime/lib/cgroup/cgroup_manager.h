/* The cgroup manager seam: how one kind of host makes, finds, joins and
 * removes a container's cgroup. cgroup.c picks the manager once, when it
 * allocates a struct cgroup (cgroup_manager_for), and every entry point of
 * cgroup.h that touches the directories goes through it. Freezing and
 * killing (cgroup_lifecycle.c), limits (cgroup_resources.c) and stats
 * (cgroup_stats.c) work on the directories whichever manager made them.
 * A systemd driver (--systemd-cgroup, refused today: cgroup_resolve_path)
 * would be one more manager, asking systemd for a scope where these make
 * directories. */
#ifndef KEEL_CGROUP_MANAGER_H
#define KEEL_CGROUP_MANAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"

struct cg_fs_layout;

struct cgroup_manager {
    const char *name;
    /* The cgroupfs managers' layout (cgroup_manager_fs.c); another kind of
     * manager keeps what it needs elsewhere. */
    const struct cg_fs_layout *fs;
    /* Makes what a process can be cloned straight into (CLONE_INTO_CGROUP),
     * before the clone: the cgroup2 directory, nothing on v1. On failure
     * nothing it made is left. */
    int (*create_early)(struct cgroup *cg, keel_err *err);
    /* Makes the rest (the v1 hierarchies) once create_early succeeded; on
     * failure removes what it made, create_early's part stays. */
    int (*create_late)(struct cgroup *cg, keel_err *err);
    /* Removes what create_early made (a later step of create failed). */
    void (*undo_early)(struct cgroup *cg);
    /* Opens the directories made earlier; ENOENT when there is none. */
    int (*open)(struct cgroup *cg, keel_err *err);
    /* Removes the directories (what is in them was killed already). */
    int (*destroy)(struct cgroup *cg, keel_err *err);
    /* delete's empty case at path, without opening (cgroup_remove_if_empty). */
    bool (*remove_if_empty)(const struct cgroup_manager *m, const char *root, const char *path);
    /* Moves pid into every directory. */
    int (*add_pid)(struct cgroup *cg, pid_t pid, keel_err *err);
    /* Moves pid where that takes no threadgroup lock (cgroup2, unless the
     * process was cloned there) and opens the rest's `tasks` files for the
     * process to join itself (cgroup_join_self); *n fds in fds. */
    int (*add_pid_deferred)(struct cgroup *cg, pid_t pid, int *fds, size_t *n, keel_err *err);
};

extern const struct cgroup_manager cgroup_manager_v1;
extern const struct cgroup_manager cgroup_manager_v2;
extern const struct cgroup_manager cgroup_manager_hybrid;

/* The one place a manager is chosen. */
const struct cgroup_manager *cgroup_manager_for(enum cgroup_mode mode);

#endif
