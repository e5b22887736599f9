/* start (runtime.md "start"): a byte into exec.fifo releases the waiting
 * init, which runs the startContainer hooks and execs the user program;
 * start sees which happened and then runs the poststart hooks (one failing
 * stops the container). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "container.h"
#include "hooks.h"
#include "log.h"
#include "state.h"
#include "util.h"

/* The init holds exec.fifo open (close-on-exec) until it execs or dies; the
 * writer end reports POLLERR once no reader is left. If the init failed on
 * the way (a startContainer hook, the exec itself), it left its error in
 * exec.err before exiting; otherwise the program runs (or already ran). */
static int start_wait_exec(struct container *c, int fd, keel_err *err)
{
    struct pollfd p = {.fd = fd, .events = 0};
    int r;
    do
        r = poll(&p, 1, -1);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return keel_syserror(err, "wait for the container to exec");
    cleanup_close int efd = openat(c->dirfd, EXEC_ERROR, O_RDONLY | O_CLOEXEC);
    char msg[sizeof err->msg - 64];
    ssize_t n = efd >= 0 ? read(efd, msg, sizeof msg - 1) : 0;
    if (n > 0) {
        msg[n] = '\0';
        return keel_error(err, 0, "container %s did not run its program: %s", c->id, msg);
    }
    return 0;
}

static int start_locked(struct container *c, keel_err *err)
{
    enum container_status s = container_status(c);
    if (s == STATUS_RUNNING)
        return keel_error(err, 0, "cannot start an already running container");
    if (s == STATUS_STOPPED)
        return keel_error(err, 0, "cannot start a container that has stopped");
    if (s != STATUS_CREATED)
        return keel_error(err, 0, "cannot start a container in the %s state", status_name(s));
    cleanup_close int fd = openat(c->dirfd, EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENXIO)
            return keel_error(err, 0, "the container process has exited");
        return keel_syserror(err, "open %s/%s", c->dir, EXEC_FIFO);
    }
    if (unlinkat(c->dirfd, EXEC_FIFO, 0) < 0)
        return keel_syserror(err, "remove %s/%s", c->dir, EXEC_FIFO);
    if (write(fd, "0", 1) != 1)
        return keel_syserror(err, "write %s/%s", c->dir, EXEC_FIFO);
    if (start_wait_exec(c, fd, err) < 0)
        return -1;
    log_debug("start %s: init %d runs the program", c->id, c->st.pid);
    const struct oci_hooks *h = c->st.hooks;
    if (h == NULL || h->poststart_len == 0)
        return 0;
    cleanup_free char *state = container_state_json(c, STATUS_RUNNING, false, err);
    if (state == NULL)
        return -1;
    if (hooks_run(h->poststart, h->poststart_len, "poststart", state, err) < 0) {
        /* runtime.md: a failed poststart hook stops the container and the lifecycle goes
         * on at its destruction (and the poststop hooks), as runc does */
        keel_err derr = {0};
        if (container_destroy_locked(c, &derr) < 0)
            log_warn("start %s: destroy after the failed poststart hook: %s", c->id, derr.msg);
        return -1;
    }
    return 0;
}

int container_start(const char *root, const char *id, keel_err *err)
{
    cleanup_container struct container c = CONTAINER_INIT;
    if (container_open(root, id, &c, err) < 0)
        return -1;
    return start_locked(&c, err);
}
