/* keel in the foreground of a container process (see foreground.h). */
#include "foreground.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

struct fg_loop {
    pid_t pid;
    int sigfd;
    int master;      /* -1 without a relayed pty */
    bool stdin_open;
    int status;      /* set once the process is reaped */
    bool done;
};

void foreground_block_signals(sigset_t *forwarded, sigset_t *old)
{
    sigfillset(forwarded);
    sigdelset(forwarded, SIGSEGV);
    sigdelset(forwarded, SIGBUS);
    sigdelset(forwarded, SIGFPE);
    sigdelset(forwarded, SIGILL);
    sigprocmask(SIG_BLOCK, forwarded, old);
    for (int sig = 1; sig < NSIG; sig++)
        if (sigismember(forwarded, sig) == 1 && sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
}

void foreground_copy_winsize(int master)
{
    struct winsize ws;
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

static void fg_reap(struct fg_loop *l)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid != l->pid)
            continue;
        l->status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
        l->done = true;
    }
}

static void fg_signal(struct fg_loop *l)
{
    struct signalfd_siginfo si;
    while (read(l->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGCHLD)
            fg_reap(l);
        else if (si.ssi_signo == SIGWINCH && l->master >= 0)
            foreground_copy_winsize(l->master);
        else
            kill(l->pid, (int)si.ssi_signo);
    }
}

int foreground_wait(pid_t pid, int sigfd, int master)
{
    struct fg_loop l = {.pid = pid, .sigfd = sigfd, .master = master, .stdin_open = true};
    fg_reap(&l);
    while (!l.done) {
        struct pollfd p[3] = {
            {.fd = l.sigfd, .events = POLLIN},
            {.fd = l.master, .events = POLLIN},
            {.fd = l.master >= 0 && l.stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
        };
        if (poll(p, 3, -1) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            fg_signal(&l);
        if (p[1].revents && !relay(l.master, STDOUT_FILENO))
            l.master = -1; /* hung up: every holder of the slave has exited */
        if (p[2].revents && !relay(STDIN_FILENO, l.master))
            l.stdin_open = false;
    }
    /* what the process wrote just before it exited */
    while (l.master >= 0) {
        struct pollfd p = {.fd = l.master, .events = POLLIN};
        if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN) || !relay(l.master, STDOUT_FILENO))
            break;
    }
    return l.status;
}
