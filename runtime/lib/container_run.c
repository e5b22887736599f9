/* run: create and start; in the foreground keel stays the container's
 * parent, forwards the signals it gets, relays the pty when there is no
 * console socket, and deletes the container once its init exits. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "log.h"
#include "terminal.h"
#include "util.h"

struct run_loop {
    pid_t init;
    int sigfd;
    int master;      /* -1 without a relayed pty */
    bool stdin_open;
    int status;      /* set once the init is reaped */
    bool done;
};

static void copy_winsize(int master)
{
    struct winsize ws;
    /* a terminal that knows no size (0x0) keeps process.consoleSize */
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && (ws.ws_row != 0 || ws.ws_col != 0))
        ioctl(master, TIOCSWINSZ, &ws);
}

/* Copies what is readable from `from` to `to`; false at EOF or error. */
static bool relay(int from, int to)
{
    char buf[8192];
    ssize_t n = read(from, buf, sizeof buf);
    if (n <= 0)
        return n < 0 && (errno == EINTR || errno == EAGAIN);
    return write_all(to, buf, (size_t)n) == 0;
}

static void run_reap(struct run_loop *l)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid != l->init)
            continue;
        l->status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
        l->done = true;
    }
}

static void run_signal(struct run_loop *l)
{
    struct signalfd_siginfo si;
    while (read(l->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGCHLD)
            run_reap(l);
        else if (si.ssi_signo == SIGWINCH && l->master >= 0)
            copy_winsize(l->master);
        else
            kill(l->init, (int)si.ssi_signo);
    }
}

static void run_wait(struct run_loop *l)
{
    run_reap(l);
    while (!l->done) {
        struct pollfd p[3] = {
            {.fd = l->sigfd, .events = POLLIN},
            {.fd = l->master, .events = POLLIN},
            {.fd = l->master >= 0 && l->stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
        };
        if (poll(p, 3, -1) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            run_signal(l);
        if (p[1].revents && !relay(l->master, STDOUT_FILENO))
            l->master = -1; /* hung up: every holder of the slave has exited */
        if (p[2].revents && !relay(STDIN_FILENO, l->master))
            l->stdin_open = false;
    }
    /* what the container wrote just before it exited */
    while (l->master >= 0) {
        struct pollfd p = {.fd = l->master, .events = POLLIN};
        if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN) || !relay(l->master, STDOUT_FILENO))
            break;
    }
}

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
        copy_winsize(master);
        raw = terminal_make_raw(STDIN_FILENO, &saved) == 0;
    }
    struct run_loop l = {.init = cr.pid, .sigfd = sigfd, .master = master, .stdin_open = true};
    int r = container_start(o->root, o->id, err);
    if (r == 0)
        run_wait(&l);
    if (raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    keel_err derr = {0};
    if (!keep || r < 0) {
        if (container_delete(o->root, o->id, true, &derr) < 0)
            log_warn("%s", derr.msg);
    }
    *status = l.status;
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
    sigfillset(&sigs);
    sigdelset(&sigs, SIGSEGV);
    sigdelset(&sigs, SIGBUS);
    sigdelset(&sigs, SIGFPE);
    sigdelset(&sigs, SIGILL);
    sigprocmask(SIG_BLOCK, &sigs, &old);
    /* an ignored signal is dropped before signalfd sees it: take them all back */
    for (int sig = 1; sig < NSIG; sig++)
        if (sigismember(&sigs, sig) == 1 && sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    int r = run_foreground(o, keep, &sigs, status, err);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return r;
}
