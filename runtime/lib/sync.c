/* keel <-> container init messages (see sync.h). */
#include "sync.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
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

/* Receives one message whose iov[0] is the type and iov[1] the payload
 * buffer (one byte left for the NUL); returns the payload length. */
static int sync_recv(int fd, struct msghdr *msg, int flags, keel_err *err)
{
    ssize_t n;
    do
        n = recvmsg(fd, msg, flags);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return keel_syserror(err, "sync receive");
    if (n == 0)
        return keel_error(err, 0, "the container process exited unexpectedly");
    if (msg->msg_flags & MSG_TRUNC)
        return keel_error(err, EMSGSIZE, "sync receive: a message of more than %zu bytes",
                          msg->msg_iov[1].iov_len);
    size_t head = msg->msg_iov[0].iov_len;
    size_t len = (size_t)n > head ? (size_t)n - head : 0;
    ((char *)msg->msg_iov[1].iov_base)[len] = '\0';
    return (int)len;
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

int sync_expect(int fd, enum sync_type want, char *buf, size_t cap, keel_err *err)
{
    /* a caller that expects a short payload still gets the other side's whole error */
    char errbuf[SYNC_ERROR_MAX];
    char *into = cap < sizeof errbuf ? errbuf : buf;
    uint32_t t = 0;
    struct iovec iov[2] = {{&t, sizeof t}, {into, (into == buf ? cap : sizeof errbuf) - 1}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
    int len = sync_recv(fd, &msg, 0, err);
    if (len < 0)
        return -1;
    if (t == SYNC_ERROR)
        return sync_error_from(into, (size_t)len, err);
    if (t != (uint32_t)want)
        return keel_error(err, 0, "sync: expected message %d, got %u", (int)want, t);
    if (into != buf) {
        if ((size_t)len >= cap)
            return keel_error(err, EMSGSIZE, "sync: message %d of %d bytes", (int)want, len);
        memcpy(buf, into, (size_t)len + 1);
    }
    return len;
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
    return keel_error(err, 0, "sync: expected message %d with an fd", (int)want);
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
    uint32_t t = 0;
    char buf[SYNC_ERROR_MAX];
    struct iovec iov[2] = {{&t, sizeof t}, {buf, sizeof buf - 1}};
    union {
        char buf[CMSG_SPACE(SYNC_MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2, .msg_control = ctl.buf,
                         .msg_controllen = sizeof ctl.buf};

    *n = 0;
    int len = sync_recv(fd, &msg, MSG_CMSG_CLOEXEC, err);
    if (len < 0)
        return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < k; i++) {
            int passed;
            memcpy(&passed, CMSG_DATA(c) + i * sizeof(int), sizeof passed);
            if (*n < SYNC_MAX_FDS)
                fds[(*n)++] = passed;
            else
                close(passed);
        }
    }
    if (t == SYNC_ERROR || t != (uint32_t)want || (msg.msg_flags & MSG_CTRUNC)) {
        while (*n > 0)
            close(fds[--*n]);
        if (t == SYNC_ERROR)
            return sync_error_from(buf, (size_t)len, err);
        return keel_error(err, 0, "sync: expected message %d, got %u", (int)want, t);
    }
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
            r = keel_error(err, 0, "sync: message %d carried %zu fds, %zu expected", (int)want,
                           got + k, n);
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
