/* process.terminal: a pty made inside the container (its own devpts, after
 * pivot_root, so the program sees /dev/pts/N as under runc) whose slave is
 * also bound on /dev/console (for exec: made the same way after joining the
 * container's mount namespace, without /dev/console); the master travels to
 * keel over the sync socket and on to the engine over --console-socket
 * (SCM_RIGHTS, as runc does), or stays with `run` / `exec`, which relay it
 * to their own terminal. */
#ifndef KEEL_TERMINAL_H
#define KEEL_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "keel/error.h"
#include "keel/runtime_spec.h"

struct terminal {
    int master;
    int slave;
    char slave_path[64];
};

/* In the container, after pivot_root: opens a pty pair from /dev/ptmx (both
 * O_CLOEXEC) sized from process.consoleSize, the slave owned by the
 * process' uid and bound on /dev/console. */
int terminal_open_in_container(struct terminal *t, const struct oci_process *p, keel_err *err);
/* The same from whatever /dev/ptmx the caller sees (exec: the container's,
 * after joining its mount namespace), the slave owned by uid as the caller's
 * user namespace names it; no /dev/console. */
int terminal_open(struct terminal *t, const struct oci_process *p, uid_t uid, keel_err *err);
void terminal_close(struct terminal *t);

/* Connects to the unix socket and sends the master. */
int terminal_send_master(const char *socket_path, int master, keel_err *err);

/* In the container, once process_new_session made it a session leader: the
 * slave as its controlling terminal and stdin, stdout, stderr. */
int terminal_become_controlling(int slave, keel_err *err);

/* Puts a host terminal in raw mode, saving the old settings. */
int terminal_make_raw(int fd, struct termios *saved);

#endif
