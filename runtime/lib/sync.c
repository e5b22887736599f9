/* keel <-> container init messages (see sync.h). */
#include "sync.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "keel/cleanup.h"

int sync_send(int fd, enum sync_type type, const void *data, size_t len, keel_err *err)
{
    uint32_t t = (uint32_t)type;
    struct iovec iov[2] = {{&t, sizeof t}, {(void *)data, len}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = data != NULL ? 2 : 1};
    ssize_t n;
    do
        n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return keel_syserror(err, "sync send");
    return 0;
}

const char *sync_type_name(uint32_t type, char buf[static 24])
{
    static const char *const names[] = {
        [SYNC_GO] = "GO", [SYNC_PID] = "PID", [SYNC_MOUNTED] = "MOUNTED",
        [SYNC_HOOKS_DONE] = "HOOKS_DONE", [SYNC_READY] = "READY", [SYNC_ERROR] = "ERROR",
        [SYNC_PTY] = "PTY", [SYNC_MOUNT_FDS] = "MOUNT_FDS", [SYNC_SAVED] = "SAVED",
    };
    if (type < sizeof names / sizeof names[0] && names[type] != NULL)
        return names[type];
    snprintf(buf, 24, "message %u", type);
    return buf;
}

void sync_close_fds(struct sync_msg *m)
{
    while (m->nfds > 0)
        close(m->fds[--m->nfds]);
}

int sync_receive(int fd, struct sync_msg *m, keel_err *err)
{
    struct iovec iov[2] = {{&m->type, sizeof m->type}, {m->data, m->cap - 1}};
    union {
        char buf[CMSG_SPACE(SYNC_MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2, .msg_control = ctl.buf,
                         .msg_controllen = sizeof ctl.buf};
    ssize_t n;

    m->type = 0;
    m->len = m->nfds = 0;
    do
        n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return keel_syserror(err, "sync receive");
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < k; i++) {
            int passed;
            memcpy(&passed, CMSG_DATA(c) + i * sizeof(int), sizeof passed);
            if (m->nfds < SYNC_MAX_FDS)
                m->fds[m->nfds++] = passed;
            else
                close(passed);
        }
    }
    if (n == 0)
        return 0;
    m->len = (size_t)n > sizeof m->type ? (size_t)n - sizeof m->type : 0;
    m->data[m->len] = '\0';
    if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
        char name[24];
        sync_close_fds(m);
        return keel_error(err, EMSGSIZE, "sync receive: %s of more than %zu bytes or %d fds",
                          sync_type_name(m->type, name), m->cap - 1, SYNC_MAX_FDS);
    }
    return 1;
}

/* An SYNC_ERROR payload (the errno, then the whole message) as this side's error. */
static int sync_error_from(const char *payload, size_t len, keel_err *err)
{
    int32_t errnum = 0;
    if (len >= sizeof errnum)
        memcpy(&errnum, payload, sizeof errnum);
    keel_error(err, 0, "%s", len >= sizeof errnum ? payload + sizeof errnum : "");
    if (err != NULL)
        err->errnum = errnum;
    return -1;
}

int sync_check(struct sync_msg *m, enum sync_type want, keel_err *err)
{
    char got[24], wanted[24];
    if (m->type == (uint32_t)want)
        return 0;
    sync_close_fds(m);
    if (m->type == SYNC_ERROR)
        return sync_error_from(m->data, m->len, err);
    return keel_error(err, 0, "sync: expected %s, got %s", sync_type_name(want, wanted),
                      sync_type_name(m->type, got));
}

/* sync_receive for a message that must come: EOF is an error. */
static int sync_receive_expected(int fd, struct sync_msg *m, enum sync_type want, keel_err *err)
{
    char name[24];
    int r = sync_receive(fd, m, err);
    if (r == 0)
        return keel_error(err, 0, "the container process exited unexpectedly (sync: expected %s)",
                          sync_type_name(want, name));
    return r < 0 ? -1 : sync_check(m, want, err);
}

int sync_expect(int fd, enum sync_type want, char *buf, size_t cap, keel_err *err)
{
    /* a caller that expects a short payload still gets the other side's whole error */
    char errbuf[SYNC_ERROR_MAX];
    struct sync_msg m = {.data = cap < sizeof errbuf ? errbuf : buf,
                         .cap = cap < sizeof errbuf ? sizeof errbuf : cap};
    char name[24];
    if (sync_receive_expected(fd, &m, want, err) < 0)
        return -1;
    sync_close_fds(&m);
    if (m.data != buf) {
        if (m.len >= cap)
            return keel_error(err, EMSGSIZE, "sync: %s of %zu bytes", sync_type_name(want, name), m.len);
        memcpy(buf, m.data, m.len + 1);
    }
    return (int)m.len;
}

int send_with_fds(int sock, const void *data, size_t len, const int *fds, size_t n)
{
    union {
        char buf[CMSG_SPACE(SYNC_MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    const char *p = data;
    bool fds_sent = n == 0;

    if (n > SYNC_MAX_FDS) {
        errno = E2BIG;
        return -1;
    }
    memset(&ctl, 0, sizeof ctl);
    for (;;) {
        struct iovec iov = {.iov_base = (void *)p, .iov_len = len};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        if (!fds_sent) {
            msg.msg_control = ctl.buf;
            msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
            struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(n * sizeof(int));
            memcpy(CMSG_DATA(c), fds, n * sizeof(int));
        }
        ssize_t r = sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        fds_sent = true;
        p += r;
        len -= (size_t)r;
        if (len == 0)
            return 0;
    }
}

int sync_send_fd(int fd, enum sync_type type, int passed, keel_err *err)
{
    return sync_send_fds(fd, type, &passed, 1, err);
}

int sync_expect_fd(int fd, enum sync_type want, keel_err *err)
{
    int fds[SYNC_MAX_FDS];
    size_t n = 0;
    if (sync_expect_fds(fd, want, fds, &n, err) < 0)
        return -1;
    if (n == 1)
        return fds[0];
    while (n > 0)
        close(fds[--n]);
    char name[24];
    return keel_error(err, 0, "sync: expected %s with an fd", sync_type_name(want, name));
}

int sync_send_fds(int fd, enum sync_type type, const int *fds, size_t n, keel_err *err)
{
    uint32_t t = (uint32_t)type;
    if (send_with_fds(fd, &t, sizeof t, fds, n) < 0)
        return n > SYNC_MAX_FDS ? keel_error(err, E2BIG, "sync send: %zu fds", n)
                                : keel_syserror(err, "sync send");
    return 0;
}

int sync_expect_fds(int fd, enum sync_type want, int *fds, size_t *n, keel_err *err)
{
    char buf[SYNC_ERROR_MAX];
    struct sync_msg m = {.data = buf, .cap = sizeof buf};

    *n = 0;
    if (sync_receive_expected(fd, &m, want, err) < 0)
        return -1;
    memcpy(fds, m.fds, m.nfds * sizeof(int));
    *n = m.nfds;
    return 0;
}

int sync_send_fd_list(int fd, enum sync_type type, const int *fds, size_t n, keel_err *err)
{
    for (size_t done = 0; done < n; done += SYNC_MAX_FDS)
        if (sync_send_fds(fd, type, fds + done, n - done < SYNC_MAX_FDS ? n - done : SYNC_MAX_FDS,
                          err) < 0)
            return -1;
    return 0;
}

int sync_expect_fd_list(int fd, enum sync_type want, int *fds, size_t n, keel_err *err)
{
    size_t got = 0;
    while (got < n) {
        int part[SYNC_MAX_FDS];
        size_t k = 0;
        int r = sync_expect_fds(fd, want, part, &k, err);
        if (r == 0 && (k == 0 || k > n - got)) {
            char name[24];
            r = keel_error(err, 0, "sync: %s carried %zu fds, %zu expected",
                           sync_type_name(want, name), got + k, n);
            while (k > 0)
                close(part[--k]);
        }
        if (r < 0) {
            while (got > 0)
                close(fds[--got]);
            return -1;
        }
        memcpy(fds + got, part, k * sizeof(int));
        got += k;
    }
    return 0;
}

void sync_send_error(int fd, const keel_err *e)
{
    char payload[SYNC_ERROR_MAX];
    int32_t errnum = e->errnum;
    size_t len = strnlen(e->msg, sizeof e->msg - 1);
    memcpy(payload, &errnum, sizeof errnum);
    memcpy(payload + sizeof errnum, e->msg, len);
    /* the parent sees the socket close if this fails */
    sync_send(fd, SYNC_ERROR, payload, sizeof errnum + len, NULL);
}

int socket_path_send_fd(const char *path, const char *what, const char *name, int fd,
                        keel_err *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path)
        return keel_error(err, ENAMETOOLONG, "%s %s", what, path);
    strcpy(addr.sun_path, path);
    cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return keel_syserror(err, "%s", what);
    if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0)
        return keel_syserror(err, "connect to %s %s", what, path);
    if (send_with_fds(s, name, strlen(name), &fd, 1) < 0)
        return keel_syserror(err, "send to %s %s", what, path);
    return 0;
}

int pidfd_socket_send(const char *path, pid_t pid, keel_err *err)
{
    if (path == NULL)
        return 0;
    cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0)
        return keel_syserror(err, "pidfd_open %d", (int)pid);
    return socket_path_send_fd(path, "pidfd socket", "pidfd", pidfd, err);
}
