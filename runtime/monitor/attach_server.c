/* The monitor's side of attach.sock (proto.h): clients attach, wait, stop,
 * kill or hold; output goes to every attached client as it is read. */
#include "supervisor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "keel/cleanup.h"

/* A client that stops reading for this long is dropped, so that a stuck
 * terminal cannot stall the container's output (the log goes on). */
#define CLIENT_SEND_TIMEOUT_S 5

int server_listen(struct monitor *m, keel_err *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    attach_sock_path(m->dirfd, sa.sun_path, sizeof sa.sun_path);
    cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return keel_syserror(err, "socket");
    /* a socket left by an earlier monitor of this container */
    if (unlinkat(m->dirfd, "attach.sock", 0) < 0 && errno != ENOENT)
        return keel_syserror(err, "remove %s/attach.sock", m->o->dir);
    mode_t old = umask(0177);
    int r = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (r < 0)
        return keel_syserror(err, "bind %s/attach.sock", m->o->dir);
    if (listen(fd, 16) < 0)
        return keel_syserror(err, "listen %s/attach.sock", m->o->dir);
    m->listenfd = steal_fd(fd);
    return epoll_watch(m, m->listenfd, TAG_LISTEN) < 0 ? keel_syserror(err, "epoll") : 0;
}

struct client *client_add(struct monitor *m, int fd, enum client_kind kind)
{
    for (size_t i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &m->clients[i];
        if (c->kind != C_FREE)
            continue;
        struct timeval tv = {.tv_sec = CLIENT_SEND_TIMEOUT_S};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (epoll_watch(m, fd, CLIENT_TAG + i) < 0)
            break;
        *c = (struct client){.kind = kind, .fd = fd};
        return c;
    }
    close(fd);
    return NULL;
}

void server_accept(struct monitor *m)
{
    int fd;
    while ((fd = accept4(m->listenfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
        client_add(m, fd, C_NEW);
}

void client_drop(struct monitor *m, struct client *c)
{
    if (m->in_paused == c)
        m->in_paused = NULL;
    epoll_unwatch(m, c->fd);
    close(c->fd);
    *c = (struct client){.kind = C_FREE, .fd = -1};
}

static void reply(struct monitor *m, struct client *c, int status, const char *msg)
{
    char buf[sizeof ((keel_err *)0)->msg + 16];
    snprintf(buf, sizeof buf, "%d %s", status, msg);
    frame_send_text(c->fd, F_RESULT, buf);
    client_drop(m, c);
}

static void send_exit(struct monitor *m, struct client *c, int code)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%d", code);
    frame_send_text(c->fd, F_EXIT, buf);
    client_drop(m, c);
}

void client_request(struct monitor *m, struct client *c, const struct frame *f)
{
    keel_err err = {0};
    switch (f->type) {
    case F_ATTACH: {
        uint8_t tty = m->master >= 0;
        c->kind = C_ATTACH;
        c->stdin_open = f->len > 0 && f->data[0] != 0 && m->o->stdin_open;
        if (frame_send(c->fd, F_HELLO, &tty, 1) < 0)
            client_drop(m, c);
        return;
    }
    case F_WAIT:
        c->kind = C_WAIT;
        if (!monitor_running(m) && m->st.state == CSTATE_EXITED)
            send_exit(m, c, m->st.exit_code);
        return;
    case F_HOLD:
        c->kind = C_HOLD;
        return;
    case F_STOP: {
        /* "TIMEOUT SIGNAL", "-" for the container's own */
        char *end;
        long timeout = strtol(f->data, &end, 10);
        if (end == f->data)
            timeout = STOP_DEFAULT;
        int sig = atoi(strchrnul(f->data, ' '));
        c->kind = C_STOP;
        int r = monitor_stop(m, (int)timeout, sig, &err);
        if (r < 0)
            reply(m, c, 1, err.msg);
        else if (r > 0)
            reply(m, c, 0, "");
        /* else answered when the container is gone (clients_exit) */
        return;
    }
    case F_KILL:
        if (monitor_kill(m, atoi(f->data), true, &err) < 0)
            reply(m, c, 1, err.msg);
        else
            reply(m, c, 0, "");
        return;
    case F_UPDATE: {
        struct restart_policy p;
        if (restart_policy_parse(f->data, &p, &err) < 0 ||
            (m->o->rm && p.mode != RESTART_NO &&
             keel_error(&err, EINVAL, "conflicting options: --restart and --rm") < 0)) {
            reply(m, c, 1, err.msg);
            return;
        }
        m->restart = p;
        reply(m, c, 0, "");
        return;
    }
    default:
        client_drop(m, c);
    }
}

static void attached_frame(struct monitor *m, struct client *c, const struct frame *f)
{
    switch (f->type) {
    case F_STDIN:
        if (c->stdin_open)
            monitor_stdin(m, c, f->data, f->len);
        return;
    case F_STDIN_EOF:
        if (c->stdin_open)
            monitor_stdin_close(m);
        return;
    case F_RESIZE:
        if (f->len == 4) {
            uint16_t rc[2];
            memcpy(rc, f->data, 4);
            monitor_resize(m, rc[0], rc[1]);
        }
        return;
    case F_SIGNAL:
        monitor_kill(m, atoi(f->data), false, NULL);
        return;
    default:
        return;
    }
}

void client_event(struct monitor *m, struct client *c)
{
    static struct frame f;
    if (frame_recv(c->fd, &f) < 0) {
        client_drop(m, c);
        return;
    }
    if (c->kind == C_NEW)
        client_request(m, c, &f);
    else if (c->kind == C_ATTACH)
        attached_frame(m, c, &f);
}

void clients_output(struct monitor *m, uint8_t type, const char *buf, size_t len)
{
    for (size_t i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &m->clients[i];
        if (c->kind == C_ATTACH && frame_send(c->fd, type, buf, len) < 0)
            client_drop(m, c);
    }
}

void clients_exit(struct monitor *m, int code, bool final)
{
    for (size_t i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &m->clients[i];
        if (c->kind == C_ATTACH || c->kind == C_WAIT)
            send_exit(m, c, code);
        else if (c->kind == C_STOP)
            reply(m, c, 0, "");
        else if (c->kind == C_HOLD && final)
            client_drop(m, c);
    }
}
