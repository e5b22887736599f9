/* SCMP_ACT_NOTIFY: the listener fd travels from the container process (which
 * loaded the filter) to the runtime, and from there with the container process
 * state to the seccomp agent listening at linux.seccomp.listenerPath. */
#include "seccomp_filter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "sync.h"

/* The spec version the state document follows when the state names none. */
#define NOTIFY_OCI_VERSION "1.3.0"

static int connect_listener(const char *path, keel_err *err)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof addr.sun_path)
        return keel_error(err, ENAMETOOLONG, "connect to seccomp listener %s", path);
    strcpy(addr.sun_path, path);
    cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return keel_syserror(err, "socket for seccomp listener %s", path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        return keel_syserror(err, "connect to seccomp listener %s", path);
    return steal_fd(fd);
}

int keel_seccomp_send_listener(const struct keel_seccomp *f, int listener_fd, pid_t pid,
                               const struct oci_state *state, keel_err *err)
{
    if (f->listener_path == NULL)
        return keel_error(err, 0, "send seccomp listener: linux.seccomp.listenerPath is not set");
    char *fds[] = { (char *)"seccompFd" };
    struct oci_container_process_state doc = {
        .ociVersion = state->ociVersion ? state->ociVersion : (char *)NOTIFY_OCI_VERSION,
        .fds = fds,
        .fds_len = 1,
        .pid = (int32_t)pid,
        .has_pid = true,
        .metadata = f->listener_metadata,
        .state = (struct oci_state *)state,
    };
    size_t len;
    cleanup_free char *json = spec_generate(&spec_type_oci_container_process_state, &doc,
                                            false, &len, err);
    if (json == NULL)
        return keel_error_wrap(err, "seccomp container process state");
    cleanup_close int sock = connect_listener(f->listener_path, err);
    if (sock < 0)
        return -1;
    if (send_with_fds(sock, json, len, &listener_fd, 1) < 0)
        return keel_syserror(err, "send seccomp listener fd to %s", f->listener_path);
    return 0;
}

int keel_seccomp_pass_fd(int sock, int fd, keel_err *err)
{
    if (send_with_fds(sock, "S", 1, &fd, 1) < 0)
        return keel_syserror(err, "send fd %d", fd);
    return 0;
}

static int receive_fd(int sock, keel_err *err)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                          .msg_controllen = sizeof control.buf };
    ssize_t n;
    do
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return keel_syserror(err, "receive the seccomp listener fd");
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (n == 0 || c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len != CMSG_LEN(sizeof(int)))
        return keel_error(err, 0, "receive the seccomp listener fd: the container process "
                          "sent none");
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

int keel_seccomp_forward_listener(const struct keel_seccomp *f, int fd_sock, pid_t pid,
                                  const struct oci_state *state, keel_err *err)
{
    cleanup_close int listener = receive_fd(fd_sock, err);
    if (listener < 0)
        return -1;
    return keel_seccomp_send_listener(f, listener, pid, state, err);
}
