/* attach.sock frames (proto.h). */
#include "proto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "keel/fsutil.h"

int frame_send(int fd, uint8_t type, const void *data, size_t len)
{
    if (len > FRAME_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    char head[5];
    uint32_t l = (uint32_t)len;
    head[0] = (char)type;
    memcpy(head + 1, &l, 4);
    struct iovec iov[2] = {{head, 5}, {(void *)data, len}};
    size_t want = 5 + len, done = 0;
    while (done < want) {
        /* MSG_NOSIGNAL: a client that went away is an error, not SIGPIPE */
        struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2};
        ssize_t n = sendmsg(fd, &m, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        done += (size_t)n;
        /* a short write: move the vectors past what went out */
        for (int i = 0; i < 2 && n > 0; i++) {
            size_t take = (size_t)n < iov[i].iov_len ? (size_t)n : iov[i].iov_len;
            iov[i].iov_base = (char *)iov[i].iov_base + take;
            iov[i].iov_len -= take;
            n -= (ssize_t)take;
        }
    }
    return 0;
}

int frame_send_text(int fd, uint8_t type, const char *text)
{
    return frame_send(fd, type, text, strlen(text));
}

static int read_exact(int fd, void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(fd, (char *)buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = done == 0 ? 0 : EPROTO;
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

int frame_recv(int fd, struct frame *f)
{
    char head[5];
    if (read_exact(fd, head, 5) < 0)
        return -1;
    f->type = (uint8_t)head[0];
    memcpy(&f->len, head + 1, 4);
    if (f->len > FRAME_MAX) {
        errno = EPROTO;
        return -1;
    }
    if (read_exact(fd, f->data, f->len) < 0) {
        if (errno == 0)
            errno = EPROTO;
        return -1;
    }
    f->data[f->len] = '\0';
    return 0;
}

void attach_sock_path(int dirfd, char *buf, size_t len)
{
    snprintf(buf, len, "/proc/self/fd/%d/attach.sock", dirfd);
}

int attach_sock_connect(const char *dir, keel_err *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    cleanup_close int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return keel_syserror(err, "open %s", dir);
    attach_sock_path(dirfd, sa.sun_path, sizeof sa.sun_path);
    cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return keel_syserror(err, "socket");
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        return keel_syserror(err, "connect %s/attach.sock", dir);
    return steal_fd(fd);
}
