/* run: create and start; in the foreground keel stays the container's
 * parent, forwards the signals it gets, relays the pty when there is no
 * console socket, and deletes the container once its init exits. */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "container.h"
#include "foreground.h"
#include "log.h"
#include "terminal.h"
#include "util.h"

static int run_foreground(const struct create_opts *o, bool keep, const sigset_t *sigs, int *status,
                          keel_err *err)
{
    cleanup_close int sigfd = signalfd(-1, sigs, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sigfd < 0)
        return keel_syserror(err, "signalfd");
    /* an init left by an intermediate fork (joined user namespace) comes back to us */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    struct created cr;
    if (container_create(o, &cr, err) < 0)
        return -1;
    cleanup_close int master = cr.master;
    struct termios saved;
    bool raw = false;
    if (master >= 0 && isatty(STDIN_FILENO)) {
        foreground_copy_winsize(master);
        raw = terminal_make_raw(STDIN_FILENO, &saved) == 0;
    }
    int r = container_start(o->root, o->id, err);
    int exit_status = r == 0 ? foreground_wait(cr.pid, sigfd, master) : 0;
    if (raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    keel_err derr = {0};
    /* a start whose poststart hook failed has destroyed the container already */
    if ((!keep || r < 0) && container_delete(o->root, o->id, true, &derr) < 0 &&
        derr.errnum != ENOENT)
        log_warn("%s", derr.msg);
    *status = exit_status;
    return r;
}

int container_run(const struct create_opts *o, bool detach, bool keep, int *status, keel_err *err)
{
    *status = 0;
    if (detach) {
        if (container_create(o, NULL, err) < 0)
            return -1;
        if (container_start(o->root, o->id, err) < 0) {
            keel_err derr = {0};
            container_delete(o->root, o->id, true, &derr);
            return -1;
        }
        return 0;
    }
    /* blocked before the clone so that none is lost; the container unblocks them */
    sigset_t sigs, old;
    foreground_block_signals(&sigs, &old);
    int r = run_foreground(o, keep, &sigs, status, err);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return r;
}
