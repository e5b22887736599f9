/* The steps that start a process in a container, shared by create (the init)
 * and exec (a process joining it), and meant for a later restore: the sync
 * pair (sync.h's protocol), the seccomp filter compiled once in keel, the
 * clone straight into the container's cgroup, the NOTIFY listener's hand-over,
 * the pty and pidfd hand-over, the pid file, and the undo of a started child. */
#ifndef KEEL_CONTAINER_SETUP_H
#define KEEL_CONTAINER_SETUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "keel/error.h"
#include "keel/runtime_spec.h"
#include "seccomp_filter.h"
#include "state.h"

/* A SOCK_SEQPACKET pair, both ends close-on-exec: [0] keel's, [1] the container side's. */
int setup_sync_pair(int sv[2], keel_err *err);

/* linux.seccomp compiled in keel (through the cache under root), before anything
 * exists, so that a bad profile fails cleanly; *has says whether there is one.
 * With a NOTIFY action, sock gets the pair the listener fd comes up on. */
int setup_seccomp(const struct oci_config *cfg, const char *root, struct keel_seccomp *sc,
                  bool *has, int sock[2], keel_err *err);

/* Forks (flags: clone flags, 0 for a plain fork) straight into cg's cgroup2
 * directory where the kernel can (no migration later, see cgroup.h), marking
 * cg joined there in both processes. Returns like fork; err says why on -1. */
pid_t setup_clone(int flags, struct cgroup *cg, keel_err *err);

/* The NOTIFY listener fd from sock on to the agent, with the container's
 * state in `status`. */
int setup_forward_listener(const struct container *c, enum container_status status,
                           const struct keel_seccomp *sc, int sock, pid_t pid, keel_err *err);

/* The pty master to --console-socket (when both are there), then a pidfd to
 * --pidfd-socket (when given). */
int setup_hand_over(const char *console_socket, int master, const char *pidfd_socket, pid_t pid,
                    keel_err *err);

/* --pid-file: pid written atomically; nothing without a path. */
int setup_pid_file(const char *pid_file, pid_t pid, keel_err *err);

/* Undoes a started child: SIGKILL to pid and to `reap` (keel's own child: pid,
 * or the intermediate that forked it; 0 for none), which is reaped; a pid that
 * is not keel's child is waited for (up to a second) to be gone. */
void setup_kill(pid_t pid, pid_t reap);

#endif
