/* Installing a compiled filter with seccomp(2), at the point of the container
 * process' setup that noNewPrivileges allows. */
#include "seccomp_filter.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "keel/cleanup.h"

int keel_seccomp_load(const struct keel_seccomp *f, int *listener_fd, keel_err *err)
{
    *listener_fd = -1;
    struct sock_fprog prog = { .len = (unsigned short)f->prog_len, .filter = f->prog };
    unsigned int flags = f->flags;
    if (f->notify) {
        flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        /* TSYNC reports a failing thread by its TID, which would be mistaken
         * for the listener fd; ESRCH makes it an error instead. */
        if (flags & SECCOMP_FILTER_FLAG_TSYNC)
            flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    } else {
        /* The kernel takes it only with a listener (libseccomp drops it too). */
        flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    }
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (rc < 0 && errno == EACCES)
        return keel_syserror(err, "load seccomp filter (it needs noNewPrivileges or "
                             "CAP_SYS_ADMIN)");
    if (rc < 0)
        return keel_syserror(err, "load seccomp filter");
    if (f->notify)
        *listener_fd = (int)rc;
    else if (rc > 0)
        return keel_error(err, 0, "load seccomp filter: thread %ld could not be synchronized", rc);
    return 0;
}

enum keel_seccomp_point keel_seccomp_point_for(const struct keel_seccomp *f)
{
    return f->notify ? KEEL_SECCOMP_PREPARED : KEEL_SECCOMP_BEFORE_EXEC;
}

int keel_seccomp_apply(const struct keel_seccomp *f, enum keel_seccomp_point point, int fd_sock,
                       keel_err *err)
{
    if (f == NULL || keel_seccomp_point_for(f) != point)
        return 0;
    cleanup_close int listener = -1;
    if (keel_seccomp_load(f, &listener, err) < 0)
        return -1;
    if (listener >= 0 && keel_seccomp_pass_fd(fd_sock, listener, err) < 0)
        return keel_error_wrap(err, "pass the seccomp listener fd to the runtime");
    return 0;
}
