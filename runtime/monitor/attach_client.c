/* The client side of an attach (`attach`, and `start --attach` once the
 * container runs): the monitor's frames to this process' stdout and stderr,
 * its stdin (minus the detach keys) and terminal size to the container, and
 * with --sig-proxy the signals it receives. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "detach_keys.h"
#include "keel/cleanup.h"
#include "keel/fsutil.h"
#include "monitor.h"
#include "proto.h"
#include "status.h"
#include "terminal.h"

struct attach {
    const struct attach_opts *o;
    int sock;
    bool tty, raw, stdin_done;
    struct termios saved;
    struct detach_keys keys;
};

static void send_size(struct attach *a)
{
    struct winsize ws;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
        return;
    uint16_t rc[2] = {ws.ws_row, ws.ws_col};
    /* a lost resize is corrected by the next one */
    (void)frame_send(a->sock, F_RESIZE, rc, sizeof rc);
}

/* Signals proxied to the container: all a program may catch, but those that
 * are about this process (its children, its terminal, its pipes). */
static bool proxied(int sig)
{
    switch (sig) {
    case SIGKILL: case SIGSTOP: case SIGCHLD: case SIGPIPE: case SIGURG: case SIGWINCH:
    case SIGTSTP: case SIGTTIN: case SIGTTOU: case SIGCONT:
        return false;
    default:
        return true;
    }
}

static int signals_open(const struct attach *a, keel_err *err)
{
    sigset_t set;
    sigemptyset(&set);
    if (a->tty)
        sigaddset(&set, SIGWINCH);
    /* a shell's background job starts with SIGINT ignored, and an ignored
     * signal is dropped even while blocked: take it back */
    for (int sig = 1; a->o->sig_proxy && sig < SIGRTMIN; sig++)
        if (proxied(sig)) {
            signal(sig, SIG_DFL);
            sigaddset(&set, sig);
        }
    sigprocmask(SIG_BLOCK, &set, NULL);
    int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    return fd < 0 ? keel_syserror(err, "signalfd") : fd;
}

static void on_signals(struct attach *a, int sigfd)
{
    struct signalfd_siginfo si;
    while (read(sigfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGWINCH) {
            send_size(a);
        } else {
            char num[16];
            snprintf(num, sizeof num, "%u", si.ssi_signo);
            (void)frame_send_text(a->sock, F_SIGNAL, num);
        }
    }
}

/* 1 when the detach keys were typed. */
static int on_stdin(struct attach *a)
{
    static unsigned char in[32768], out[sizeof in + DETACH_KEYS_MAX];
    ssize_t n = read(STDIN_FILENO, in, sizeof in);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (n <= 0) {
        a->stdin_done = true;
        (void)frame_send(a->sock, F_STDIN_EOF, NULL, 0);
        return 0;
    }
    size_t len;
    bool detach = detach_keys_feed(&a->keys, in, (size_t)n, out, &len);
    if (len > 0)
        (void)frame_send(a->sock, F_STDIN, out, len);
    return detach ? 1 : 0;
}

/* The status when the monitor went away without a word. */
static int lost_monitor(struct attach *a, keel_err *err)
{
    struct monitor_status st;
    if (status_read(a->o->dir, &st, err) == 0 && st.state == CSTATE_EXITED)
        return st.exit_code;
    return keel_error(err, 0, "%s: the monitor went away", a->o->dir);
}

/* The container's status, -1 on error, -2 when detached. */
static int relay(struct attach *a, int sigfd, keel_err *err)
{
    static struct frame f;
    for (;;) {
        struct pollfd p[3] = {{.fd = a->sock, .events = POLLIN}, {.fd = sigfd, .events = POLLIN},
                              {.fd = a->stdin_done ? -1 : STDIN_FILENO, .events = POLLIN}};
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            return keel_syserror(err, "poll");
        }
        if (p[2].revents & (POLLIN | POLLHUP | POLLERR) && on_stdin(a) == 1)
            return -2;
        if (p[1].revents & POLLIN)
            on_signals(a, sigfd);
        if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (frame_recv(a->sock, &f) < 0)
            return lost_monitor(a, err);
        /* a reader that went away (`| head`) does not stop the container */
        if (f.type == F_STDOUT)
            (void)write_all(STDOUT_FILENO, f.data, f.len);
        else if (f.type == F_STDERR)
            (void)write_all(STDERR_FILENO, f.data, f.len);
        else if (f.type == F_EXIT)
            return atoi(f.data);
    }
}

int attach_run(int sock, const struct attach_opts *o, keel_err *err)
{
    struct attach a = {.o = o, .sock = sock, .stdin_done = !o->stdin_open};
    static struct frame f;
    if (detach_keys_parse(o->detach_keys ? o->detach_keys : DETACH_KEYS_DEFAULT, &a.keys, err) < 0)
        return -1;
    if (frame_recv(sock, &f) < 0 || f.type != F_HELLO)
        return lost_monitor(&a, err);
    a.tty = f.len == 1 && f.data[0] != 0;
    /* as docker: the keys detach from a terminal; piped input goes through whole */
    if (!a.tty)
        a.keys.len = 0;
    signal(SIGPIPE, SIG_IGN);
    cleanup_close int sigfd = signals_open(&a, err);
    if (sigfd < 0)
        return -1;
    if (a.tty && o->stdin_open && isatty(STDIN_FILENO))
        a.raw = terminal_make_raw(STDIN_FILENO, &a.saved) == 0;
    if (a.tty)
        send_size(&a);
    int r = relay(&a, sigfd, err);
    if (a.raw)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &a.saved);
    if (r != -2)
        return r;
    /* detached: docker attach says so and fails; run -d's detach is quiet */
    if (!o->attach_cmd)
        return 0;
    fprintf(stderr, "read escape sequence\n");
    return 1;
}
