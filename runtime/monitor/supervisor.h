/* The monitor process' state, shared by its event loop (supervisor.c) and its
 * attach server (attach_server.c). One epoll set; nothing ticks while the
 * container is quiet. */
#ifndef KEEL_MONITOR_SUPERVISOR_H
#define KEEL_MONITOR_SUPERVISOR_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "log_writer.h"
#include "proto.h"
#include "monitor.h"
#include "restart.h"
#include "status.h"

#define MAX_CLIENTS 64

enum client_kind { C_FREE, C_NEW, C_ATTACH, C_WAIT, C_STOP, C_HOLD };

struct client {
    enum client_kind kind;
    int fd;
    bool stdin_open;
};

/* What the one timer is armed for. */
enum timer_use { TIMER_NONE, TIMER_STOP_KILL, TIMER_RESTART };

struct monitor {
    const struct monitor_opts *o;
    int dirfd, epfd, sigfd, listenfd, timerfd;
    int out_fd, err_fd; /* the container's stdout and stderr (the pty master's dup for -t) */
    int in_fd;          /* its stdin (a pipe, or the master), -1 when closed */
    /* stdin that did not fit: written when in_fd is writable, its client
     * paused meanwhile (stdin_relay.c) */
    char *in_pending;
    size_t in_len, in_off;
    struct client *in_paused;
    bool in_close_after;
    int master;         /* the pty master with --tty, else -1 */
    pid_t pid;
    int pidfd;
    struct monitor_status st;
    struct log_writer log;
    struct client clients[MAX_CLIENTS];
    enum timer_use timer;
    struct restart_backoff backoff;
    struct restart_policy restart; /* --restart, then what `update` set */
    uint64_t started_ms; /* CLOCK_MONOTONIC, for the back-off */
    char oom_path[PATH_MAX];
    long oom_before;
    bool done;
};

/* epoll tags: fixed sources, then CLIENT_TAG + index */
enum { TAG_OUT = 1, TAG_ERR, TAG_IN, TAG_SIG, TAG_LISTEN, TAG_TIMER, TAG_PIDFD, CLIENT_TAG = 100 };

int epoll_watch(struct monitor *m, int fd, uint64_t tag);
void epoll_unwatch(struct monitor *m, int fd);

/* attach_server.c */
int server_listen(struct monitor *m, keel_err *err);
void server_accept(struct monitor *m);
struct client *client_add(struct monitor *m, int fd, enum client_kind kind);
void client_event(struct monitor *m, struct client *c);
void client_drop(struct monitor *m, struct client *c);
/* A request read from a client (the first frame on its connection). */
void client_request(struct monitor *m, struct client *c, const struct frame *f);
void clients_output(struct monitor *m, uint8_t type, const char *buf, size_t len);
/* The container exited with `code`: attach and wait clients get EXIT, stop
 * clients their answer; `final` (no restart follows) also ends HOLD ones. */
void clients_exit(struct monitor *m, int code, bool final);

/* supervisor.c, for the server's requests. stop: 0 when the answer comes
 * with the exit (clients_exit), 1 when nothing runs; timeout STOP_DEFAULT
 * and sig 0 take the container's own. kill by_user (not a proxied signal)
 * means no restart follows. */
#define STOP_DEFAULT INT_MIN
int monitor_stop(struct monitor *m, int timeout, int sig, keel_err *err);
int monitor_kill(struct monitor *m, int sig, bool by_user, keel_err *err);
/* stdin_relay.c: a client's input to the container without ever blocking
 * the loop (a container that does not read its stdin while its output waits
 * would otherwise deadlock with us). */
void monitor_stdin(struct monitor *m, struct client *from, const char *buf, size_t len);
void monitor_stdin_close(struct monitor *m);
void monitor_stdin_writable(struct monitor *m);
/* Closes the container's stdin and forgets what was pending. */
void monitor_stdin_drop(struct monitor *m);
void monitor_resize(struct monitor *m, unsigned rows, unsigned cols);
bool monitor_running(const struct monitor *m);

#endif
