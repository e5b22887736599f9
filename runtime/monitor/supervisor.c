/* The monitor process: starts the container through the runtime, then one
 * epoll loop over the container's output, its pidfd, signals, the timer and
 * attach.sock, until it is gone for good (supervisor.h). */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "oom.h"
#include "runtime_ops.h"
#include "util.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static int pidfd_open(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_send_signal(int pidfd, int sig)
{
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int epoll_watch(struct monitor *m, int fd, uint64_t tag)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag};
    return epoll_ctl(m->epfd, EPOLL_CTL_ADD, fd, &ev);
}

void epoll_unwatch(struct monitor *m, int fd)
{
    /* fails only for an fd that was never added, which is what we want anyway */
    (void)epoll_ctl(m->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static void close_fd(struct monitor *m, int *fd)
{
    if (*fd >= 0) {
        epoll_unwatch(m, *fd);
        close(*fd);
    }
    *fd = -1;
}

static void save_status(struct monitor *m)
{
    keel_err err;
    /* nobody to tell: a monitor without its status file still relays and
     * logs, and the next write may succeed */
    (void)status_write(m->dirfd, &m->st, &err);
}

static void arm_timer(struct monitor *m, enum timer_use use, uint64_t ms)
{
    struct itimerspec its = {.it_value = {.tv_sec = (time_t)(ms / 1000),
                                          .tv_nsec = (long)(ms % 1000) * 1000000}};
    if (ms == 0)
        its.it_value.tv_nsec = 1; /* 0 would disarm */
    m->timer = use;
    timerfd_settime(m->timerfd, 0, &its, NULL);
}

static void disarm_timer(struct monitor *m)
{
    struct itimerspec none = {0};
    m->timer = TIMER_NONE;
    timerfd_settime(m->timerfd, 0, &none, NULL);
}

/* --- the container's stdio ---------------------------------------------- */

static void close_all(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

/* Pipes for stdout, stderr and with --stdin stdin: the monitor's ends in m,
 * the container's in child[]. */
static int stdio_pipes(struct monitor *m, int child[3], keel_err *err)
{
    int p[6] = {-1, -1, -1, -1, -1, -1}; /* out, err, in: read end, write end */
    for (int i = 0; i < (m->o->stdin_open ? 3 : 2); i++) {
        if (pipe2(p + 2 * i, O_CLOEXEC) < 0) {
            close_all(p, 6);
            return keel_syserror(err, "pipe");
        }
    }
    m->out_fd = p[0];
    m->err_fd = p[2];
    m->in_fd = p[5];
    child[0] = p[4];
    child[1] = p[1];
    child[2] = p[3];
    return 0;
}

/* A socket for --console-socket, reached through /proc so that a long CDIR
 * still fits in sun_path. */
static int console_listen(struct monitor *m, char *path, size_t len, keel_err *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/%d/fd/%d/console.sock", (int)getpid(),
             m->dirfd);
    snprintf(path, len, "%s", sa.sun_path);
    unlinkat(m->dirfd, "console.sock", 0);
    cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return keel_syserror(err, "socket");
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0)
        return keel_syserror(err, "console socket %s/console.sock", m->o->dir);
    return steal_fd(fd);
}

/* The pty master the runtime sends, unless the runtime exits first. */
static int console_receive(int listenfd, pid_t runtime, keel_err *err)
{
    cleanup_close int pidfd = pidfd_open(runtime);
    struct pollfd p[2] = {{.fd = listenfd, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
    while (poll(p, pidfd >= 0 ? 2 : 1, -1) < 0)
        if (errno != EINTR)
            return keel_syserror(err, "poll");
    if (!(p[0].revents & POLLIN))
        return keel_error(err, 0, "the runtime exited before sending the console");
    cleanup_close int conn = accept4(listenfd, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0)
        return keel_syserror(err, "accept console");
    char name[256];
    char ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {name, sizeof name};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
                         .msg_controllen = sizeof ctl};
    if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0)
        return keel_syserror(err, "receive console");
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c == NULL || c->cmsg_type != SCM_RIGHTS)
        return keel_error(err, 0, "the runtime sent no console");
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

static void close_stdio(struct monitor *m)
{
    close_fd(m, &m->out_fd);
    close_fd(m, &m->err_fd);
    monitor_stdin_drop(m);
    m->master = -1; /* it was out_fd */
}

/* --- create and start ----------------------------------------------------- */

static int read_container_pid(struct monitor *m, keel_err *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/container.pid", m->o->dir);
    cleanup_free char *buf = NULL;
    size_t len;
    if (read_file(path, 64, &buf, &len, err) < 0)
        return -1;
    m->pid = (pid_t)atoi(buf);
    if (m->pid <= 0)
        return keel_error(err, 0, "%s: no pid", path);
    m->pidfd = pidfd_open(m->pid);
    if (m->pidfd < 0)
        return keel_syserror(err, "pidfd_open %d", (int)m->pid);
    return 0;
}

static void runtime_delete(struct monitor *m)
{
    keel_err err;
    const char *args[] = {"delete", "--force", m->o->id, NULL};
    /* an exited container's state may already be gone; nothing else to do */
    (void)runtime_cmd(m->o, args, NULL, &err);
}

/* RUNTIME create with the container's stdio: pipes, or with --tty the pty
 * master the runtime sends over --console-socket; then its init's pidfd. */
static int create_container(struct monitor *m, keel_err *err)
{
    const struct monitor_opts *o = m->o;
    int child[3] = {-1, -1, -1};
    char console[128];
    cleanup_close int console_fd = -1;
    if (o->tty && (console_fd = console_listen(m, console, sizeof console, err)) < 0)
        return -1;
    if (!o->tty && stdio_pipes(m, child, err) < 0)
        return -1;
    char pidfile[PATH_MAX];
    snprintf(pidfile, sizeof pidfile, "%s/container.pid", o->dir);
    unlink(pidfile);
    const char *args[10] = {"create", "--bundle", o->bundle, "--pid-file", pidfile};
    size_t n = 5;
    if (o->tty) {
        args[n++] = "--console-socket";
        args[n++] = console;
    }
    args[n++] = o->id;
    args[n] = NULL;
    struct runtime_io io = {{child[0], child[1], child[2]}};
    pid_t rt = runtime_spawn(o, args, &io, err);
    close_all(child, 3);
    if (rt < 0)
        return -1;
    keel_err cerr = {0};
    if (o->tty) {
        m->master = console_receive(console_fd, rt, &cerr);
        unlinkat(m->dirfd, "console.sock", 0);
        m->out_fd = m->master;
        if (m->master >= 0 && o->stdin_open)
            m->in_fd = fcntl(m->master, F_DUPFD_CLOEXEC, 0);
    }
    if (runtime_wait(o, rt, "create", err) < 0)
        return -1;
    if (o->tty && m->master < 0)
        return keel_error(err, 0, "%s", cerr.msg);
    return read_container_pid(m, err);
}

/* What create made, gone again after a failure. */
static void undo_create(struct monitor *m)
{
    /* what the runtime printed there is its error, not the container's output */
    close_stdio(m);
    if (m->pidfd >= 0) {
        pidfd_send_signal(m->pidfd, SIGKILL);
        siginfo_t si;
        waitid(P_PIDFD, (id_t)m->pidfd, &si, WEXITED);
        close(m->pidfd);
    }
    m->pidfd = -1;
    m->pid = 0;
    runtime_delete(m);
}

/* The running container's stdio and pidfd in the loop, and its status. */
static int watch_running(struct monitor *m, keel_err *err)
{
    if (epoll_watch(m, m->pidfd, TAG_PIDFD) < 0)
        return keel_syserror(err, "epoll");
    int fds[] = {m->out_fd, m->err_fd, m->in_fd};
    uint64_t tags[] = {TAG_OUT, TAG_ERR, 0};
    for (int i = 0; i < 3; i++) {
        if (fds[i] < 0)
            continue;
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        if (tags[i] != 0 && epoll_watch(m, fds[i], tags[i]) < 0)
            return keel_syserror(err, "epoll");
    }
    m->st.state = CSTATE_RUNNING;
    m->st.pid = m->pid;
    m->st.oom_killed = false;
    time_rfc3339(m->st.started_at, sizeof m->st.started_at);
    m->started_ms = now_ms();
    save_status(m);
    return 0;
}

/* Create, then start; the container runs, or nothing is left of it. */
static int launch(struct monitor *m, keel_err *err)
{
    const char *start[] = {"start", m->o->id, NULL};
    if (create_container(m, err) < 0) {
        undo_create(m);
        return -1;
    }
    /* the OOM killer's count before the container runs */
    if (oom_counter_path(m->pid, m->oom_path, sizeof m->oom_path) < 0)
        m->oom_path[0] = '\0';
    m->oom_before = m->oom_path[0] ? oom_count(m->oom_path) : -1;
    if (runtime_cmd(m->o, start, NULL, err) < 0) {
        undo_create(m);
        return -1;
    }
    return watch_running(m, err);
}

/* --- output --------------------------------------------------------------- */

/* Reads what is there; false at the end of the stream. */
static bool read_output(struct monitor *m, int *fd)
{
    static char buf[32768];
    bool is_err = fd == &m->err_fd;
    if (*fd < 0)
        return false;
    ssize_t n = read(*fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return n < 0 && errno == EINTR;
    if (n <= 0) {
        /* EOF on a pipe, EIO on a pty master once the slave is closed */
        close_fd(m, fd);
        if (fd == &m->out_fd)
            m->master = -1;
        return false;
    }
    char ts[40];
    keel_err err;
    time_rfc3339(ts, sizeof ts);
    /* a full disk must not stop the container's output from reaching its
     * attached clients; the log shows the gap */
    (void)log_writer_chunk(&m->log, is_err ? "stderr" : "stdout", ts, buf, (size_t)n, &err);
    clients_output(m, is_err ? F_STDERR : F_STDOUT, buf, (size_t)n);
    return true;
}

/* Whatever the container wrote before it exited. */
static void drain_output(struct monitor *m)
{
    while (read_output(m, &m->out_fd))
        ;
    while (read_output(m, &m->err_fd))
        ;
}

/* --- exit, restart ------------------------------------------------------- */

static void reap_orphans(struct monitor *m)
{
    for (;;) {
        siginfo_t si = {0};
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
            return;
        if (si.si_pid == m->pid) /* its pidfd tells */
            return;
        waitpid(si.si_pid, NULL, WNOHANG);
    }
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    /* what cannot be removed stays; the directory's removal then fails too */
    (void)remove(path);
    return 0;
}

/* No restart follows: run the hook, record the end, remove, tell the clients.
 * DELETING (-1 if none) is the runtime's delete of the container, still
 * running beside the hook: the container's processes are gone, and neither
 * the delete nor the hook (networking, a --rm container's files) needs the
 * other. The status says exited only once the delete is done, so that a
 * client reading it may start the container again at once. */
static void finish(struct monitor *m, int code, pid_t deleting)
{
    const struct monitor_opts *o = m->o;
    disarm_timer(m);
    if (o->exit_hook != NULL) {
        char code_s[16];
        keel_err err;
        snprintf(code_s, sizeof code_s, "%d", code);
        const char *argv[] = {o->exit_hook, o->dir, o->id, code_s, NULL};
        /* the hook's failure is its own to report (its stderr is /dev/null) */
        (void)run_program(argv, &err);
    }
    if (deleting > 0)
        runtime_wait_unlogged(deleting);
    m->st.state = CSTATE_EXITED;
    m->st.pid = 0;
    m->st.exit_code = code;
    save_status(m);
    /* clients that come now read the status file; those that came during the
     * hook see their connection closed and read it too */
    unlinkat(m->dirfd, "attach.sock", 0);
    unlinkat(m->dirfd, "monitor.pid", 0);
    close_fd(m, &m->listenfd);
    if (o->rm)
        nftw(o->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    clients_exit(m, code, true);
    m->done = true;
}

static void on_container_exit(struct monitor *m)
{
    siginfo_t si = {0};
    if (waitid(P_PIDFD, (id_t)m->pidfd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
        return;
    int code = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
    close_fd(m, &m->pidfd);
    m->pid = 0;
    drain_output(m);
    close_stdio(m);
    if (m->timer == TIMER_STOP_KILL)
        disarm_timer(m);
    long oom = m->oom_path[0] ? oom_count(m->oom_path) : -1;
    m->st.oom_killed = oom > m->oom_before && m->oom_before >= 0;
    time_rfc3339(m->st.finished_at, sizeof m->st.finished_at);
    m->st.exit_code = code;
    if (!restart_wanted(&m->restart, code, m->st.restart_count, m->st.stopped_by_user)) {
        /* logged nowhere: the hook may be removing CDIR meanwhile */
        const char *args[] = {"delete", "--force", m->o->id, NULL};
        keel_err err;
        finish(m, code, runtime_spawn_unlogged(m->o, args, &err));
        reap_orphans(m);
        return;
    }
    runtime_delete(m);
    reap_orphans(m);
    m->st.state = CSTATE_RESTARTING;
    m->st.pid = 0;
    save_status(m);
    clients_exit(m, code, false);
    arm_timer(m, TIMER_RESTART, restart_backoff_next(&m->backoff, now_ms() - m->started_ms));
}

static void restart(struct monitor *m)
{
    keel_err err;
    m->st.restart_count++;
    if (launch(m, &err) < 0)
        finish(m, runtime_error_status(err.msg), -1);
}

static void on_timer(struct monitor *m)
{
    uint64_t ticks;
    if (read(m->timerfd, &ticks, sizeof ticks) < 0)
        return;
    enum timer_use use = m->timer;
    m->timer = TIMER_NONE;
    if (use == TIMER_STOP_KILL && m->pidfd >= 0)
        pidfd_send_signal(m->pidfd, SIGKILL);
    else if (use == TIMER_RESTART)
        restart(m);
}

/* --- requests ------------------------------------------------------------- */

bool monitor_running(const struct monitor *m)
{
    return m->pidfd >= 0;
}

int monitor_stop(struct monitor *m, int timeout, int sig, keel_err *err)
{
    if (timeout == STOP_DEFAULT)
        timeout = m->o->stop_timeout;
    if (sig <= 0)
        sig = m->o->stop_signal;
    m->st.stopped_by_user = true;
    if (m->st.state == CSTATE_RESTARTING) {
        finish(m, m->st.exit_code, -1);
        return 0;
    }
    if (!monitor_running(m))
        return 1;
    save_status(m);
    if (pidfd_send_signal(m->pidfd, timeout == 0 ? SIGKILL : sig) < 0 && errno != ESRCH)
        return keel_syserror(err, "signal container %s", m->o->id);
    if (timeout > 0)
        arm_timer(m, TIMER_STOP_KILL, (uint64_t)timeout * 1000);
    return 0;
}

int monitor_kill(struct monitor *m, int sig, bool by_user, keel_err *err)
{
    if (!monitor_running(m))
        return keel_error(err, 0, "container %s is not running", m->o->id);
    if (by_user) {
        m->st.stopped_by_user = true;
        save_status(m);
    }
    if (pidfd_send_signal(m->pidfd, sig > 0 ? sig : SIGKILL) < 0 && errno != ESRCH)
        return keel_syserror(err, "signal container %s", m->o->id);
    return 0;
}

void monitor_resize(struct monitor *m, unsigned rows, unsigned cols)
{
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    if (m->master >= 0)
        ioctl(m->master, TIOCSWINSZ, &ws);
}

/* --- setup and the loop --------------------------------------------------- */

static int setup(struct monitor *m, keel_err *err)
{
    char pid[24];
    m->dirfd = open(m->o->dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (m->dirfd < 0)
        return keel_syserror(err, "open %s", m->o->dir);
    if ((m->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
        return keel_syserror(err, "epoll_create1");
    sigset_t set;
    sigemptyset(&set);
    /* the monitor outlives terminals and shells: these are read, not obeyed */
    int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&set, sigs[i]);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if ((m->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0 ||
        (m->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) < 0)
        return keel_syserror(err, "signalfd/timerfd");
    if (epoll_watch(m, m->sigfd, TAG_SIG) < 0 || epoll_watch(m, m->timerfd, TAG_TIMER) < 0)
        return keel_syserror(err, "epoll");
    /* the container's init comes to us when the runtime's create exits */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        return keel_syserror(err, "PR_SET_CHILD_SUBREAPER");
    snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    if (write_file_atomic(m->dirfd, "monitor.pid", pid, strlen(pid), 0644, err) < 0)
        return -1;
    status_init(&m->st);
    if (status_write(m->dirfd, &m->st, err) < 0)
        return -1;
    if (log_writer_open(&m->log, m->dirfd, "container.log", err) < 0)
        return -1;
    return server_listen(m, err);
}

static void dispatch(struct monitor *m, uint64_t tag)
{
    switch (tag) {
    case TAG_OUT:
        read_output(m, &m->out_fd);
        return;
    case TAG_ERR:
        read_output(m, &m->err_fd);
        return;
    case TAG_IN:
        monitor_stdin_writable(m);
        return;
    case TAG_SIG: {
        struct signalfd_siginfo si;
        while (read(m->sigfd, &si, sizeof si) == sizeof si)
            ;
        reap_orphans(m);
        return;
    }
    case TAG_LISTEN:
        server_accept(m);
        return;
    case TAG_TIMER:
        on_timer(m);
        return;
    case TAG_PIDFD:
        on_container_exit(m);
        return;
    default:
        if (tag >= CLIENT_TAG && tag < CLIENT_TAG + MAX_CLIENTS &&
            m->clients[tag - CLIENT_TAG].kind != C_FREE)
            client_event(m, &m->clients[tag - CLIENT_TAG]);
    }
}

static void answer_start(int client, int status, const char *msg)
{
    char buf[sizeof ((keel_err *)0)->msg + 16];
    snprintf(buf, sizeof buf, "%d %s", status, msg);
    /* a `start` that went away has nobody to tell */
    (void)frame_send_text(client, F_RESULT, buf);
}

int monitor_run(const struct monitor_opts *o, int client)
{
    struct monitor m = {.o = o, .dirfd = -1, .epfd = -1, .sigfd = -1, .listenfd = -1,
                        .timerfd = -1, .out_fd = -1, .err_fd = -1, .in_fd = -1, .master = -1,
                        .pidfd = -1, .log = {.fd = -1}, .restart = o->restart};
    for (size_t i = 0; i < MAX_CLIENTS; i++)
        m.clients[i].fd = -1;
    static struct frame first;
    keel_err err = {0};
    if (frame_recv(client, &first) < 0)
        return 1;
    if (setup(&m, &err) < 0) {
        answer_start(client, 125, err.msg);
        return 1;
    }
    if (launch(&m, &err) < 0) {
        int code = runtime_error_status(err.msg);
        finish(&m, code, -1);
        answer_start(client, code, err.msg);
        return 0;
    }
    answer_start(client, 0, "");
    if (first.type == F_ATTACH) {
        struct client *c = client_add(&m, client, C_NEW);
        if (c != NULL)
            client_request(&m, c, &first);
    } else {
        close(client);
    }
    while (!m.done) {
        struct epoll_event ev[16];
        int n = epoll_wait(m.epfd, ev, 16, -1);
        if (n < 0 && errno != EINTR)
            return 1;
        for (int i = 0; i < n && !m.done; i++)
            dispatch(&m, ev[i].data.u64);
    }
    log_writer_close(&m.log);
    return 0;
}
