/* exec (runc-exec(8)): a new process in a running container, in every one of
 * its namespaces and its cgroup, with the process settings and the seccomp
 * filter that the container's own process got. */
#ifndef KEEL_CONTAINER_EXEC_H
#define KEEL_CONTAINER_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/error.h"
#include "keel/runtime_spec.h"

struct exec_opts {
    const char *root;           /* --root */
    const char *id;
    const char *process_file;   /* --process: a process JSON; the flags below then do not apply */
    char *const *args;          /* CMD ...: replaces config.process.args */
    size_t args_len;
    bool tty;                   /* -t */
    const char *console_socket;
    const char *pidfd_socket;   /* --pidfd-socket: the process' pidfd goes there (runc 1.2) */
    bool detach;                /* -d */
    const char *pid_file;
    char *const *env;           /* -e K=V: replaces K or is appended */
    size_t env_len;
    const char *cwd;
    const char *user;           /* -u UID[:GID] */
    char *const *additional_gids;
    size_t additional_gids_len;
    char *const *caps;          /* --cap: added to the bounding, effective, permitted (and ambient) sets */
    size_t caps_len;
    bool no_new_privs;
    const char *apparmor;       /* accepted, recorded in the process */
    const char *process_label;
    int preserve_fds;
    const char *sub_cgroup;     /* --cgroup: an existing cgroup below the container's */
    bool ignore_paused;         /* --ignore-paused: exec in a paused container (it waits) */
};

/* The process exec runs: --process, or config.process with the flags applied.
 * *p is zeroed first; spec_release it. */
int exec_build_process(const struct exec_opts *o, const struct oci_config *cfg,
                       struct oci_process *p, keel_err *err);

/* Runs the process. In the foreground it waits, forwarding signals, and sets
 * *status to the exit status (128+N when killed by signal N); with detach it
 * returns once the process has exec'd (*status 0). */
int container_exec(const struct exec_opts *o, int *status, keel_err *err);

#endif
