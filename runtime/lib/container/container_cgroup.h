/* The container's cgroup as the lifecycle sees it: made and joined at
 * create, found again from the path in state.json by the other commands. */
#ifndef KEEL_CONTAINER_CGROUP_H
#define KEEL_CONTAINER_CGROUP_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "cgroup.h"
#include "state.h"

/* create, before the clone (as root): the cgroup2 directory alone, for the
 * init to be cloned straight into (cgroup_create_unified); *out is NULL when
 * not root (join then does everything). On failure nothing is left. */
int container_cgroup_begin(const struct oci_config *cfg, const char *id, struct cgroup **out,
                           keel_err *err);
/* create: makes the cgroup from linux.cgroupsPath (or the id), or its v1 part
 * when *out comes from container_cgroup_begin, applies linux.resources and
 * moves pid into it (not into cgroup2 when the init was cloned there, see
 * cgroup_set_unified_joined). *path (malloc'd) is what state.json keeps. Not
 * root and refused, with no resources asked for: success with *out NULL (no
 * cgroup). On failure nothing is left (*out NULL). With join_fds, the v1
 * hierarchies are left for the (single-threaded) process to join itself
 * (cgroup_join_self() on the *njoin fds returned, see cgroup.h: it spares an
 * RCU grace period per create); the caller closes them. */
int container_cgroup_join(const struct oci_config *cfg, const char *id, pid_t pid,
                          int *join_fds, size_t *njoin,
                          struct cgroup **out, char **path, keel_err *err);
/* The cgroup of a container made earlier; NULL with err set when it has none. */
struct cgroup *container_cgroup_open(const struct container *c, keel_err *err);
/* Whether the container's cgroup is frozen (the `paused` state). */
bool container_cgroup_paused(const struct container *c);
/* kill --all: sig to every process in the container's cgroup. */
int container_cgroup_kill(const struct container *c, int sig, keel_err *err);
/* delete: removes the cgroup; with force, kills what is still in it first,
 * as it does without force when the container shared the host's pid
 * namespace (its leftovers are its own). A container without a cgroup, or
 * whose cgroup is gone already, is fine. */
int container_cgroup_remove(const struct container *c, bool force, keel_err *err);

/* --- the commands that work on the cgroup (container_pause.c, ...) --- */

/* pause (running -> paused) or resume (paused -> running). */
int container_pause(const char *root, const char *id, bool pause, keel_err *err);
/* update: applies the fields set in r to the running container's cgroup. */
int container_update(const char *root, const char *id, const struct oci_resources *r,
                     keel_err *err);
/* ps: the PIDs in the container's cgroup (malloc'd). */
int container_pids(const char *root, const char *id, pid_t **pids, size_t *n, keel_err *err);
/* events: with stats_once, one stats event; otherwise stats every
 * interval_ms and OOM events as they happen, until the container stops.
 * One JSON object per line on out. */
int container_events(const char *root, const char *id, bool stats_once, long interval_ms,
                     FILE *out, keel_err *err);

#endif
