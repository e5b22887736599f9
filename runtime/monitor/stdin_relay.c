/* Attached clients' input to the container's stdin (supervisor.h): written
 * non-blocking; what does not fit waits for EPOLLOUT on the stdin while the
 * client that sent it is not read, so the input slows to the container's pace
 * and its output keeps flowing meanwhile. */
#include "supervisor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

/* Whether the client's frames are read (paused while its input waits). Out
 * of the epoll set, not just without EPOLLIN: a hang-up would still be
 * reported, again and again. */
static void client_reading(struct monitor *m, struct client *c, bool on)
{
    if (!on) {
        epoll_unwatch(m, c->fd);
        return;
    }
    if (epoll_watch(m, c->fd, CLIENT_TAG + (uint64_t)(c - m->clients)) < 0)
        client_drop(m, c);
}

void monitor_stdin_drop(struct monitor *m)
{
    if (m->in_pending != NULL && m->in_fd >= 0)
        epoll_unwatch(m, m->in_fd);
    free(m->in_pending);
    m->in_pending = NULL;
    m->in_len = m->in_off = 0;
    m->in_close_after = false;
    if (m->in_fd >= 0)
        close(m->in_fd);
    m->in_fd = -1;
    if (m->in_paused != NULL)
        client_reading(m, m->in_paused, true);
    m->in_paused = NULL;
}

/* Writes what it can; the bytes written, or -1 when stdin is gone. */
static ssize_t write_some(int fd, const char *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n < 0)
            return -1; /* EPIPE: the container closed its stdin */
        done += (size_t)n;
    }
    return (ssize_t)done;
}

void monitor_stdin(struct monitor *m, struct client *from, const char *buf, size_t len)
{
    if (m->in_fd < 0)
        return;
    ssize_t n = write_some(m->in_fd, buf, len);
    if (n < 0) {
        monitor_stdin_drop(m);
        return;
    }
    if ((size_t)n == len)
        return;
    m->in_pending = malloc(len - (size_t)n);
    if (m->in_pending == NULL) {
        /* no room to hold it: the input is cut here, as if the client had gone */
        monitor_stdin_drop(m);
        return;
    }
    memcpy(m->in_pending, buf + n, len - (size_t)n);
    m->in_len = len - (size_t)n;
    m->in_off = 0;
    m->in_paused = from;
    client_reading(m, from, false);
    struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = TAG_IN};
    if (epoll_ctl(m->epfd, EPOLL_CTL_ADD, m->in_fd, &ev) < 0)
        monitor_stdin_drop(m);
}

void monitor_stdin_writable(struct monitor *m)
{
    if (m->in_pending == NULL || m->in_fd < 0)
        return;
    ssize_t n = write_some(m->in_fd, m->in_pending + m->in_off, m->in_len - m->in_off);
    if (n < 0) {
        monitor_stdin_drop(m);
        return;
    }
    m->in_off += (size_t)n;
    if (m->in_off < m->in_len)
        return;
    epoll_unwatch(m, m->in_fd);
    free(m->in_pending);
    m->in_pending = NULL;
    if (m->in_paused != NULL)
        client_reading(m, m->in_paused, true);
    m->in_paused = NULL;
    if (m->in_close_after)
        monitor_stdin_drop(m);
}

void monitor_stdin_close(struct monitor *m)
{
    /* a terminal has no end of input to pass on: the program reads ^D */
    if (m->master >= 0)
        return;
    if (m->in_pending != NULL)
        m->in_close_after = true;
    else
        monitor_stdin_drop(m);
}
