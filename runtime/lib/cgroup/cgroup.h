/* The container's cgroup: one interface over cgroup v1, v2 and hybrid hosts.
 * Every entry point takes the cgroup root ("/sys/fs/cgroup" on a real host)
 * so that tests can point it at a scratch tree laid out like cgroupfs. */
#ifndef KEEL_CGROUP_H
#define KEEL_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "keel/error.h"
#include "keel/runtime_events.h"
#include "keel/runtime_spec.h"

#define CGROUP_DEFAULT_ROOT "/sys/fs/cgroup"

enum cgroup_mode {
    CGROUP_V1,     /* one hierarchy per controller under root/<controller> */
    CGROUP_V2,     /* root itself is cgroup2 */
    CGROUP_HYBRID, /* v1 controllers plus a cgroup2 mount at root/unified */
};

struct cgroup;

/* Which layout lives under root, looked at now (not cached). */
int cgroup_detect_mode(const char *root, enum cgroup_mode *mode, keel_err *err);
const char *cgroup_mode_name(enum cgroup_mode mode);

/* The container's path inside every hierarchy ("/keel/ID" ...) from
 * linux.cgroupsPath: absolute as given, relative under "/keel", absent
 * from the container id. Refuses "..", empty components and systemd's
 * "slice:prefix:name" form. Returns a malloc'd string. */
char *cgroup_resolve_path(const char *cgroups_path, const char *id, keel_err *err);

/* Creates the cgroup (every mounted controller on v1/hybrid, the unified
 * directory on v2/hybrid) and keeps each directory open. On failure nothing
 * it made is left behind. */
struct cgroup *cgroup_create(const char *root, const char *path, keel_err *err);
/* cgroup_create in two steps, so that a process can be cloned straight into
 * the cgroup2 directory (clone3's CLONE_INTO_CGROUP) before the v1 ones are
 * made: no migration later, so no threadgroup lock and no RCU grace period
 * (about 10 ms for a `keel run` on its own here). The first makes only the
 * cgroup2 directory (nothing on a v1 host); the second the v1 directories,
 * removing on failure those it made. */
struct cgroup *cgroup_create_unified(const char *root, const char *path, keel_err *err);
int cgroup_create_v1(struct cgroup *cg, keel_err *err);
/* The cgroup2 directory's fd (for CLONE_INTO_CGROUP), or -1 without one. */
int cgroup_unified_fd(const struct cgroup *cg);
/* The process was cloned into the cgroup2 directory already (clone_into.h):
 * cgroup_add_pid_deferred and cgroup_add_self then leave cgroup2 alone. */
void cgroup_set_unified_joined(struct cgroup *cg);
/* Reopens a cgroup made earlier (the path saved in the container's state). */
struct cgroup *cgroup_open(const char *root, const char *path, keel_err *err);
/* Network limits live only in v1's net_cls and net_prio: without their hierarchy (not
 * mounted, or cgroup v2) they cannot be applied, an error as in runc and crun. */
int cgroup_check_network(const char *root, const struct oci_network *n, keel_err *err);
/* Whether cg has a directory in every hierarchy where `other` has one. */
bool cgroup_in_every_hierarchy_of(const struct cgroup *cg, const struct cgroup *other);
void cgroup_free(struct cgroup *cg);
static inline void cgroup_freep(struct cgroup **cg) { cgroup_free(*cg); }
#define cleanup_cgroup __attribute__((cleanup(cgroup_freep)))

/* What to save in the container's state to cgroup_open() it later. */
const char *cgroup_path(const struct cgroup *cg);
enum cgroup_mode cgroup_get_mode(const struct cgroup *cg);

/* Applies linux.resources at create: every field the config sets, and the
 * device allow list (the config's rules, runc's default devices and one rule
 * per linux.devices entry). `linux` may be NULL. */
int cgroup_apply(struct cgroup *cg, const struct oci_linux *linux, keel_err *err);
/* Applies what `update` changes: every field set in r except devices. */
int cgroup_update(struct cgroup *cg, const struct oci_resources *r, keel_err *err);

int cgroup_add_pid(struct cgroup *cg, pid_t pid, keel_err *err);

/* Joining without the kernel's threadgroup lock. Moving a whole process
 * (cgroup.procs) takes cgroup_threadgroup_rwsem for writing, whose first
 * taker after a quiet spell waits out an RCU grace period (4-19 ms measured
 * here, on every create); a thread moving itself by writing "0" to a v1
 * hierarchy's `tasks` skips that lock. For a single-threaded process the
 * result is the same as cgroup.procs. cgroup2 has no such file, so there
 * the pid still goes to cgroup.procs. */
#define CGROUP_MAX_JOIN_FDS 16
/* The v1 hierarchies' `tasks` files, opened (by keel, whose open-time
 * credentials the kernel checks) for the container process to join with
 * cgroup_join_self(); *n fds in fds. Then cgroup2's cgroup.procs gets pid. */
int cgroup_add_pid_deferred(struct cgroup *cg, pid_t pid, int *fds, size_t *n, keel_err *err);
/* In the single-threaded process itself: writes "0" to each of those. */
int cgroup_join_self(const int *fds, size_t n, keel_err *err);
/* Moves the calling single-threaded process into cg (v1 by `tasks`). */
int cgroup_add_self(struct cgroup *cg, keel_err *err);
/* Every process in the cgroup and its descendants, malloc'd in *pids. */
int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, keel_err *err);

int cgroup_freeze(struct cgroup *cg, bool frozen, keel_err *err);
/* Whether the cgroup is frozen now (false when there is no freezer). */
int cgroup_is_frozen(struct cgroup *cg, bool *frozen, keel_err *err);

/* Whether the cgroup at path is frozen, reading only the freezer's file
 * (cheap enough for every `state`). False when there is no freezer. */
int cgroup_path_is_frozen(const char *root, const char *path, bool *frozen, keel_err *err);

/* Sends sig to every process in the cgroup, frozen meanwhile so that none
 * forks past it. */
int cgroup_kill_all(struct cgroup *cg, int sig, keel_err *err);

/* Removes the cgroup's directories. With force, kills what is left first;
 * without, processes still there after a second (ones that are exiting
 * get that long) make it an error. The cgroup stays allocated (cgroup_free it). */
int cgroup_destroy(struct cgroup *cg, bool force, keel_err *err);

/* delete's usual case, an empty cgroup, in one rmdir per hierarchy: removes
 * the directories at path without opening them or listing processes. True
 * when every one is gone (or was never there); false when one is busy
 * (processes, sub-cgroups) or cannot be removed: those removed so far stay
 * removed, and cgroup_open() + cgroup_destroy() deal with the rest (a
 * hierarchy without the directory is skipped there) and report errors. */
bool cgroup_remove_if_empty(const char *root, const char *path);

/* Fills *stats (zeroed first; spec_release it) with what the controllers report. */
int cgroup_stats(struct cgroup *cg, struct runc_stats *stats, keel_err *err);

/* OOM notification: an fd that becomes readable when something may have been
 * OOM-killed; cgroup_oom_check() then says whether it really was. */
int cgroup_oom_watch(struct cgroup *cg, keel_err *err);
int cgroup_oom_check(struct cgroup *cg, int fd, bool *oom, keel_err *err);

#endif
