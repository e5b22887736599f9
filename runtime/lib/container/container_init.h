/* The container's side of create: runs in the cloned child, in the new
 * namespaces, and ends in the user program's exec (or _exit on failure). */
#ifndef KEEL_CONTAINER_INIT_H
#define KEEL_CONTAINER_INIT_H

#include <stdbool.h>

#include "keel/runtime_spec.h"
#include "namespaces.h"
#include "process.h"

struct init_args {
    const struct oci_config *cfg;
    const struct ns_plan *plan;
    const char *bundle;
    int sync_fd;
    int fifo_fd;          /* exec.fifo opened O_RDWR: a byte arrives on start */
    int exec_err_fd;      /* exec.err: where a failure after start is told to start */
    bool terminal;        /* make a pty and send its master over sync_fd */
    bool no_pivot;
    bool unshare_after_user; /* the user namespace is joined: make the others after it */
    int unshare_first;    /* namespaces the child makes itself before GO (no user namespace) */
    bool hooks_sync;      /* hooks to run: MOUNTED, then wait for HOOKS_DONE and the state */
    struct process_opts popts;
};

/* Never returns. */
__attribute__((noreturn)) void container_init(const struct init_args *a);

#endif
