/* The lifecycle operations behind keel's commands, one file each:
 * container_create.c, container_start.c, container_run.c,
 * container_kill.c, container_delete.c, container_state.c, container_list.c. */
#ifndef KEEL_CONTAINER_H
#define KEEL_CONTAINER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "keel/error.h"

struct container; /* state.h */

struct create_opts {
    const char *root;           /* --root */
    const char *id;
    const char *bundle;         /* NULL: the current directory */
    const char *pid_file;
    const char *console_socket;
    const char *pidfd_socket;   /* --pidfd-socket: the init's pidfd goes there (runc 1.2) */
    bool no_pivot;
    bool no_new_keyring;
    int preserve_fds;           /* --preserve-fds: fds 3 .. 3+n-1 go to the container */
    int listen_fds;             /* LISTEN_FDS (socket activation): passed on after those */
    bool foreground;            /* run without -d: keel stays the container's parent */
};

struct created {
    pid_t pid;      /* the container's init, in keel's pid namespace */
    int master;     /* the pty master kept for `run` to relay, or -1 */
};

/* create: returns once the container is `created` (runtime.md's create). */
int container_create(const struct create_opts *o, struct created *out, keel_err *err);
/* start: lets the init exec the user program, then runs poststart hooks. */
int container_start(const char *root, const char *id, keel_err *err);
/* run: create + start; in the foreground, waits and returns the exit status
 * (128+N for signal N) in *status, forwarding signals and relaying the pty. */
int container_run(const struct create_opts *o, bool detach, bool keep, int *status, keel_err *err);
/* kill: sends sig to the init (all = every process of the container). */
int container_kill(const char *root, const char *id, int sig, bool all, keel_err *err);
/* delete: a stopped container, or any with force (killed first); a created
 * one is killed as well. force also succeeds for a missing container. */
int container_delete(const char *root, const char *id, bool force, keel_err *err);
/* delete --force of a container the caller holds open (locked): killed, its cgroup
 * and state removed, the poststop hooks run (start after a failed poststart hook). */
int container_destroy_locked(struct container *c, keel_err *err);
/* state: the spec's state JSON on out. */
int container_print_state(const char *root, const char *id, FILE *out, keel_err *err);
/* list: every container under root, as a table, JSON, or IDs only. */
enum list_format { LIST_TABLE, LIST_JSON };
int container_list(const char *root, enum list_format f, bool quiet, FILE *out, keel_err *err);

/* spec: writes runc's default config.json (or the rootless one) into dir. */
int spec_write_default(const char *dir, bool rootless, keel_err *err);
/* features: features.json on out. */
int features_print(FILE *out, keel_err *err);

#endif
