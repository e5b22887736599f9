/* keel-monitor: one small process per container (conmon's job). It starts the
 * container through the runtime, holds its stdio, writes the json-file log,
 * relays to attach clients over CDIR/attach.sock, records the exit and applies
 * the restart policy. This header joins the monitor's files; each concern has
 * its own (status.h, restart.h, log_writer.h, logs.h, proto.h, attach.h). */
#ifndef KEEL_MONITOR_H
#define KEEL_MONITOR_H

#include <stdbool.h>

#include "keel/error.h"
#include "restart.h"

struct monitor_opts {
    const char *dir;          /* CDIR, absolute */
    const char *id;
    const char *bundle;       /* absolute */
    const char *runtime;      /* the OCI runtime's binary */
    const char *runtime_root; /* its --root, NULL for its default */
    const char *exit_hook;
    const char *detach_keys;
    bool tty, stdin_open, rm, attach, sig_proxy;
    struct restart_policy restart;
    int stop_signal;
    int stop_timeout; /* seconds; negative waits for ever */
};

/* The monitor itself, in the daemonized process: reads the first request on
 * `client` (the `start` command's end of a socketpair), starts the container,
 * answers, and serves until the container is gone for good. Returns the
 * monitor's exit status. */
int monitor_run(const struct monitor_opts *o, int client);

/* The detached side of `start` and the `attach` command: relays a connected
 * monitor socket to this process' stdio until the container exits (its
 * status) or the detach keys are typed. `attach_cmd` selects docker attach's
 * detach behaviour (message, status 1) over run's (quiet, 0). */
struct attach_opts {
    const char *dir;
    const char *detach_keys;
    bool stdin_open, sig_proxy, attach_cmd;
};
int attach_run(int sock, const struct attach_opts *o, keel_err *err);

/* The runtime's error text mapped to docker's status for `run`: 127 when the
 * program is not found, 126 when it cannot be executed, 125 otherwise. */
int runtime_error_status(const char *msg);

#endif
