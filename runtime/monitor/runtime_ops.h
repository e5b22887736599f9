/* The OCI runtime (keel, runc) driven by its command line: create, start,
 * delete, each with --log FILE --log-format json so that its error comes
 * back as text apart from the container's own stderr. */
#ifndef KEEL_MONITOR_RUNTIME_OPS_H
#define KEEL_MONITOR_RUNTIME_OPS_H

#include <sys/types.h>

#include "monitor.h"

/* The child's stdin, stdout, stderr; -1 is /dev/null. */
struct runtime_io {
    int fd[3];
};

/* Starts `RUNTIME [--root R] --log CDIR/runtime.log --log-format json ARGS...`. */
pid_t runtime_spawn(const struct monitor_opts *o, const char *const *args,
                    const struct runtime_io *io, keel_err *err);
/* The same without a log, its stdio on /dev/null, for a command whose failure
 * has no reader and which may run while CDIR is being removed; and its wait. */
pid_t runtime_spawn_unlogged(const struct monitor_opts *o, const char *const *args,
                             keel_err *err);
void runtime_wait_unlogged(pid_t pid);
/* Waits for it; a failure is the runtime's last logged error. */
int runtime_wait(const struct monitor_opts *o, pid_t pid, const char *what, keel_err *err);
/* Both. */
int runtime_cmd(const struct monitor_opts *o, const char *const *args,
                const struct runtime_io *io, keel_err *err);

/* The runtime next to this program (bin/keel beside bin/keel-monitor), else
 * `keel` from PATH. */
const char *runtime_default(void);

/* Runs PATH ARGS... with stdio on /dev/null and waits; its status. */
int run_program(const char *const *argv, keel_err *err);

#endif
