/* The container's cgroup as the lifecycle sees it: made and joined at
 * create, found again from the path in state.json by the other commands. */
#ifndef KEEL_CONTAINER_CGROUP_H
#define KEEL_CONTAINER_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "state.h"

/* create: makes the cgroup from linux.cgroupsPath (or the id), applies
 * linux.resources and moves pid into it. *path (malloc'd) is what state.json
 * keeps. On failure nothing is left. */
struct cgroup *container_cgroup_join(const struct oci_config *cfg, const char *id, pid_t pid,
                                     char **path, keel_err *err);
/* The cgroup of a container made earlier; NULL with err set when it has none. */
struct cgroup *container_cgroup_open(const struct container *c, keel_err *err);
/* Whether the container's cgroup is frozen (the `paused` state). */
bool container_cgroup_paused(const struct container *c);
/* kill --all: sig to every process in the container's cgroup. */
int container_cgroup_kill(const struct container *c, int sig, keel_err *err);
/* delete: removes the cgroup; with force, kills what is still in it first.
 * A container without a cgroup, or whose cgroup is gone already, is fine. */
int container_cgroup_remove(const struct container *c, bool force, keel_err *err);

#endif
