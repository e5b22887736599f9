/* Applying config.json's `process` to the calling process and exec'ing it:
 * shared by the container's init (create/run) and by `exec`. Runs inside the
 * container, after the rootfs is final. */
#ifndef KEEL_PROCESS_H
#define KEEL_PROCESS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "keel/error.h"
#include "keel/runtime_spec.h"
#include "seccomp_filter.h"

struct process_opts {
    bool no_new_keyring; /* keep the caller's session keyring */
    int preserve_fds;    /* fds 3 .. 3+n-1 stay open across exec */
    const struct keel_seccomp *seccomp; /* linux.seccomp compiled; NULL: none */
    int seccomp_fd_sock; /* where a NOTIFY listener fd goes (keel_seccomp_apply) */
};

struct process_ready {
    char path[PATH_MAX]; /* args[0] resolved against PATH from process.env */
    char home[PATH_MAX]; /* HOME=... to add to process.env, "" when it has one */
};

/* setsid: the container process leads a session and a process group of its own
 * (as runc's init and exec'd processes do), so that `kill 0` or a terminal's
 * job control inside never reaches the caller's process group. */
int process_new_session(keel_err *err);

/* Session keyring, rlimits, oomScoreAdj, personality, scheduler, ioPriority,
 * noNewPrivileges,
 * bounding set, groups, gid, uid, the other capability sets, umask, cwd
 * (checked to be inside the container's root), args[0]'s lookup, and every
 * fd above the preserved ones marked close-on-exec.
 * Everything that can fail for a bad config fails here, before start. */
int process_prepare(const struct oci_config *cfg, const struct oci_process *p,
                    const struct process_opts *o, struct process_ready *ready, keel_err *err);

/* The last step: loads the seccomp filter (as late as possible), resets
 * signal dispositions and mask, and execs. Returns only on failure. */
int process_exec(const struct oci_config *cfg, const struct oci_process *p,
                 const struct process_opts *o, const struct process_ready *ready, keel_err *err);

/* Finds `file` as execvp would, in PATH taken from env (a default when unset);
 * pure lookup with access(X_OK), for the caller's current root. */
int process_lookup(const char *file, char *const *env, size_t env_len, char *out, size_t len,
                   keel_err *err);

/* The home directory of `uid` in the passwd file at `path` (the container's
 * /etc/passwd), "/" when the file or the uid is not there, as runc sets HOME. */
void process_home(const char *path, uid_t uid, char *out, size_t len);

/* stdin, stdout and stderr owned by `uid` when they are pipes or sockets (what engines
 * pass; the pty is made for the user already), so that the process can reopen them
 * through /proc/self/fd, as under runc. */
int process_chown_stdio(uid_t uid, keel_err *err);

/* RLIMIT_* from its name ("RLIMIT_NOFILE"), -1 if unknown. */
int process_rlimit_resource(const char *name);

#endif
