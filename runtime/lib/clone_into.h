/* A fork-like clone straight into a cgroup2 directory (clone3's
 * CLONE_INTO_CGROUP, Linux 5.7): the new process is never migrated, so
 * joining cgroup2 costs it no threadgroup lock and no RCU grace period
 * (cgroup.h; about 10 ms for a `keel run` on its own). */
#ifndef KEEL_CLONE_INTO_H
#define KEEL_CLONE_INTO_H

#include <stdbool.h>
#include <sys/types.h>

/* Clones with the namespace flags (and SIGCHLD), into cgroup_fd when it is
 * >= 0 and the kernel can. *into says (in parent and child) whether the new
 * process is in cgroup_fd's cgroup; without it the caller joins as before.
 * Returns like fork. The caller must be single-threaded. */
pid_t clone_into_cgroup(int flags, int cgroup_fd, bool *into);

#endif
