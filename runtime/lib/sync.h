/* The one channel between keel and the processes it starts in a container,
 * for create and exec alike: a SOCK_SEQPACKET pair carrying small typed
 * messages, so that each side waits for the other at the moments runtime.md
 * orders. The end in the container is O_CLOEXEC: EOF means it exec'd (or died).
 *
 * create (container_create.c <-> container_init.c):
 *
 *   keel                                   init (cloned into its namespaces)
 *   uid/gid maps written, cgroup made
 *   GO [v1 cgroup `tasks` fds] ----------> joins the v1 cgroups
 *   MOUNT_FDS [idmapped mounts]... ------> (only with idmapped mounts)
 *                 <----------------------- PID "n" (only when a joined user namespace
 *                                              needs a fork into a new pid namespace)
 *                                          namespaces, mounts
 *                 <----------------------- MOUNTED (only with hooks or netDevices)
 *   netDevices moved, prestart and
 *   createRuntime hooks
 *   HOOKS_DONE "state JSON" -------------> createContainer hooks, pivot_root
 *                 <----------------------- PTY [pty master] (process.terminal)
 *                                          process settings (seccomp NOTIFY listener
 *                                          on its own socket meanwhile)
 *                 <----------------------- READY
 *   state.json written
 *   SAVED -------------------------------> waits on exec.fifo (until SAVED, a keel that
 *                                          died leaves no container behind: EOF, exit)
 *
 * exec (container_exec.c): a helper joins the cgroup and namespaces and forks
 * the process into the pid namespace; both write on the same socket.
 *
 *   keel               helper                    process
 *        <------------ PID "n"
 *        <-------------------------------------- PTY [pty master] (-t; before or after PID)
 *                                                process settings
 *        <-------------------------------------- EOF at its exec
 *
 * Any side may send ERROR (errno, then the whole message) in place of what the
 * other waits for: the receiver makes it its own error, errno included. Any
 * other message out of order is an error naming both ("sync: expected READY,
 * got PTY"). sync_test.c drives these sequences over a socketpair. */
#ifndef KEEL_SYNC_H
#define KEEL_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "keel/error.h"

enum sync_type {
    SYNC_GO = 1,     /* parent: ids mapped (and cgroup joined), go on */
    SYNC_PID,        /* child: the init is this pid (after an extra fork) */
    SYNC_MOUNTED,    /* child: namespaces and mounts made, before pivot */
    SYNC_HOOKS_DONE, /* parent: createRuntime done; payload: the state JSON */
    SYNC_READY,      /* child: waiting for start */
    SYNC_ERROR,      /* either: payload is the message */
    SYNC_PTY,        /* child: the pty master, as SCM_RIGHTS */
    SYNC_MOUNT_FDS,  /* parent, after GO: the idmapped mounts it made, as SCM_RIGHTS */
    SYNC_SAVED,      /* parent: state.json written, the container is keel's to list and delete */
};

/* "GO", "PID", ... for messages; "message N" for a type this build lacks. */
const char *sync_type_name(uint32_t type, char buf[static 24]);

/* SYNC_ERROR's payload: the errno, then the whole message. */
#define SYNC_ERROR_MAX (sizeof(int32_t) + sizeof(((keel_err *)0)->msg) + 1)

/* One message, whatever its type: data (cap bytes, the payload NUL-terminated,
 * len long) and up to SYNC_MAX_FDS fds (O_CLOEXEC). */
#define SYNC_MAX_FDS 16
struct sync_msg {
    uint32_t type;
    char *data;
    size_t cap;
    size_t len;
    int fds[SYNC_MAX_FDS];
    size_t nfds;
};
/* 1 with a message in *m, 0 at EOF (the other side exec'd or died), -1. */
int sync_receive(int fd, struct sync_msg *m, keel_err *err);
/* 0 when m is a `want`; otherwise closes its fds and fails: with the other
 * side's error and errno for SYNC_ERROR, naming both types for any other. */
int sync_check(struct sync_msg *m, enum sync_type want, keel_err *err);
void sync_close_fds(struct sync_msg *m);

int sync_send(int fd, enum sync_type type, const void *data, size_t len, keel_err *err);
/* Receives one message into buf (NUL-terminated). An SYNC_ERROR from the
 * other side becomes this side's error; so does any type but `want`. */
int sync_expect(int fd, enum sync_type want, char *buf, size_t cap, keel_err *err);
/* Sends / receives a message that carries one fd (SCM_RIGHTS). The
 * receiving side gets -1 with the other side's error on SYNC_ERROR. */
int sync_send_fd(int fd, enum sync_type type, int passed, keel_err *err);
int sync_expect_fd(int fd, enum sync_type want, keel_err *err);
/* A message with n (0 to SYNC_MAX_FDS) fds; the receiver gets them in fds
 * (O_CLOEXEC) and their number in *n. */
int sync_send_fds(int fd, enum sync_type type, const int *fds, size_t n, keel_err *err);
int sync_expect_fds(int fd, enum sync_type want, int *fds, size_t *n, keel_err *err);
/* Sends n fds (any number) in as many messages as they take; the receiver
 * must know n and gets exactly n (or an error, all closed). */
int sync_send_fd_list(int fd, enum sync_type type, const int *fds, size_t n, keel_err *err);
int sync_expect_fd_list(int fd, enum sync_type want, int *fds, size_t n, keel_err *err);
/* Sends all of data with n (0 to SYNC_MAX_FDS) fds as SCM_RIGHTS on a
 * connected unix socket, the fds with the first sendmsg (a stream socket may
 * take the data in parts); -1 with errno on failure. */
int send_with_fds(int sock, const void *data, size_t len, const int *fds, size_t n);
/* Connects to the unix socket at path and sends fd with name as the data
 * (runc's way for --console-socket and --pidfd-socket); errors name what. */
int socket_path_send_fd(const char *path, const char *what, const char *name, int fd,
                        keel_err *err);
/* --pidfd-socket (runc 1.2): a pidfd of pid sent to path; nothing when path is NULL. */
int pidfd_socket_send(const char *path, pid_t pid, keel_err *err);
/* The child side's report of a failure (best effort): its errno and its whole
 * message, which the receiving sync_expect* makes its own error whatever
 * payload it expected. */
void sync_send_error(int fd, const keel_err *e);

#endif
