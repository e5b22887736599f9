/* keel-monitor's commands: start (which forks the monitor), and the clients
 * attach, wait, stop, kill and logs. Each parses its options and calls one
 * function; errors are printed here, once, as `keel-monitor: <what>`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "logs.h"
#include "monitor.h"
#include "proto.h"
#include "runtime_ops.h"
#include "signals.h"
#include "stats.h"
#include "status.h"
#include "util.h"

#define STATUS_ENGINE_ERROR 125
#define STOP_TIMEOUT_DEFAULT INT_MIN

static const char usage[] =
    "usage: keel-monitor start --dir CDIR --id ID --bundle BUNDLE [--runtime PATH]\n"
    "                          [--runtime-root DIR] [--tty] [--stdin] [--rm]\n"
    "                          [--restart no|always|on-failure[:N]|unless-stopped]\n"
    "                          [--stop-signal SIG] [--stop-timeout SECONDS] [--exit-hook PATH]\n"
    "                          [--attach] [--detach-keys KEYS] [--sig-proxy=true|false]\n"
    "       keel-monitor attach CDIR [--no-stdin] [--detach-keys KEYS] [--sig-proxy=true|false]\n"
    "       keel-monitor wait CDIR\n"
    "       keel-monitor stop CDIR [-t SECONDS] [-s SIGNAL]\n"
    "       keel-monitor kill CDIR [-s SIGNAL]\n"
    "       keel-monitor update CDIR --restart POLICY\n"
    "       keel-monitor stats --runtime-root DIR [--no-stream] [--no-trunc] [--tsv] ID[=NAME]...\n"
    "       keel-monitor logs CDIR [-f] [--tail N|all] [-t] [--since TS] [--until TS]\n";

static int fail(int status, const keel_err *err)
{
    fprintf(stderr, "keel-monitor: %s\n", err->msg);
    return status;
}

/* "keel-monitor: WHAT[ 'ARG']" and the usage. */
static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "keel-monitor: %s%s%s%s\n%s", what, arg ? " '" : "", arg ? arg : "",
            arg ? "'" : "", usage);
    return 1;
}

static int parse_bool(const char *v, bool *out)
{
    if (v == NULL || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = true;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = false;
    else
        return -1;
    return 0;
}

static int parse_int(const char *v, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno != 0 || n < INT_MIN + 1 || n > INT_MAX)
        return -1;
    *out = (int)n;
    return 0;
}

/* --- start ---------------------------------------------------------------- */

/* The daemon: a new session, stdio on /dev/null, no fd of the caller's but
 * its end of the socketpair. */
static void become_daemon(int keep)
{
    setsid();
    int null = open("/dev/null", O_RDWR);
    for (int i = 0; i < 3; i++)
        dup2(null, i);
    if (null > 2)
        close(null);
    if (keep > 3)
        syscall(SYS_close_range, 3, keep - 1, 0);
    syscall(SYS_close_range, keep + 1, ~0U, 0);
    if (chdir("/") < 0)
        _exit(1);
}

/* Forks the monitor (twice, so that it is nobody's child), tells it whether
 * this process attaches, and returns our end of the socketpair. */
static int spawn_monitor(const struct monitor_opts *o, keel_err *err)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return keel_syserror(err, "socketpair");
    uint8_t with_stdin = o->stdin_open;
    if (o->attach ? frame_send(sv[0], F_ATTACH, &with_stdin, 1) : frame_send(sv[0], F_DETACHED, NULL, 0))
        return keel_syserror(err, "socketpair");
    pid_t child = fork();
    if (child < 0)
        return keel_syserror(err, "fork");
    if (child == 0) {
        close(sv[0]);
        pid_t monitor = fork();
        if (monitor == 0) {
            become_daemon(sv[1]);
            _exit(monitor_run(o, sv[1]));
        }
        _exit(monitor < 0 ? 1 : 0);
    }
    close(sv[1]);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    return sv[0];
}

static int start_parse(int argc, char **argv, struct monitor_opts *o, keel_err *err)
{
    enum { O_DIR = 256, O_ID, O_BUNDLE, O_RUNTIME, O_ROOT, O_TTY, O_STDIN, O_RM, O_RESTART,
           O_STOPSIG, O_STOPTIME, O_HOOK, O_ATTACH, O_KEYS, O_PROXY };
    static const struct option opts[] = {
        {"dir", 1, 0, O_DIR}, {"id", 1, 0, O_ID}, {"bundle", 1, 0, O_BUNDLE},
        {"runtime", 1, 0, O_RUNTIME}, {"runtime-root", 1, 0, O_ROOT}, {"tty", 0, 0, O_TTY},
        {"stdin", 0, 0, O_STDIN}, {"rm", 0, 0, O_RM}, {"restart", 1, 0, O_RESTART},
        {"stop-signal", 1, 0, O_STOPSIG}, {"stop-timeout", 1, 0, O_STOPTIME},
        {"exit-hook", 1, 0, O_HOOK}, {"attach", 0, 0, O_ATTACH}, {"detach-keys", 1, 0, O_KEYS},
        {"sig-proxy", 2, 0, O_PROXY}, {0},
    };
    *o = (struct monitor_opts){.sig_proxy = true, .stop_signal = SIGTERM, .stop_timeout = 10};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_DIR: o->dir = optarg; break;
        case O_ID: o->id = optarg; break;
        case O_BUNDLE: o->bundle = optarg; break;
        case O_RUNTIME: o->runtime = optarg; break;
        case O_ROOT: o->runtime_root = optarg; break;
        case O_TTY: o->tty = true; break;
        case O_STDIN: o->stdin_open = true; break;
        case O_RM: o->rm = true; break;
        case O_ATTACH: o->attach = true; break;
        case O_KEYS: o->detach_keys = optarg; break;
        case O_HOOK: o->exit_hook = optarg; break;
        case O_RESTART:
            if (restart_policy_parse(optarg, &o->restart, err) < 0)
                return -1;
            break;
        case O_STOPSIG:
            if ((o->stop_signal = signal_parse(optarg, err)) < 0)
                return -1;
            break;
        case O_STOPTIME:
            if (parse_int(optarg, &o->stop_timeout) < 0)
                return keel_error(err, EINVAL, "--stop-timeout: '%s' is not a number", optarg);
            break;
        case O_PROXY:
            if (parse_bool(optarg, &o->sig_proxy) < 0)
                return keel_error(err, EINVAL, "--sig-proxy: '%s' is not true or false", optarg);
            break;
        default:
            return keel_error(err, EINVAL, "start: bad option (see --help)");
        }
    }
    if (optind != argc)
        return keel_error(err, EINVAL, "start: unexpected argument '%s'", argv[optind]);
    if (o->dir == NULL || o->id == NULL || o->bundle == NULL)
        return keel_error(err, EINVAL, "start needs --dir, --id and --bundle");
    if (o->rm && o->restart.mode != RESTART_NO)
        return keel_error(err, EINVAL, "conflicting options: --restart and --rm");
    return 0;
}

/* *p made absolute when it names a path (a bare name is looked up in PATH,
 * and NULL stays NULL); the copy goes to *owned. */
static int absolute_if_path(const char **p, char **owned, keel_err *err)
{
    if (*p == NULL || strchr(*p, '/') == NULL)
        return 0;
    if ((*owned = path_absolute(*p, err)) == NULL)
        return -1;
    *p = *owned;
    return 0;
}

static int cmd_start(int argc, char **argv)
{
    struct monitor_opts o;
    keel_err err = {0};
    if (start_parse(argc, argv, &o, &err) < 0)
        return fail(STATUS_ENGINE_ERROR, &err);
    /* the monitor runs in / : every path it is given made absolute */
    cleanup_free char *dir = path_absolute(o.dir, &err);
    cleanup_free char *bundle = dir ? path_absolute(o.bundle, &err) : NULL;
    cleanup_free char *runtime = NULL, *root = NULL, *hook = NULL;
    if (bundle == NULL || absolute_if_path(&o.runtime, &runtime, &err) < 0 ||
        absolute_if_path(&o.runtime_root, &root, &err) < 0 ||
        absolute_if_path(&o.exit_hook, &hook, &err) < 0)
        return fail(STATUS_ENGINE_ERROR, &err);
    o.dir = dir;
    o.bundle = bundle;
    if (o.runtime == NULL)
        o.runtime = runtime_default();
    if (access(dir, W_OK) < 0) {
        keel_syserror(&err, "--dir %s", dir);
        return fail(STATUS_ENGINE_ERROR, &err);
    }
    /* a second monitor would take the socket of the one that runs */
    int running = attach_sock_connect(dir, NULL);
    if (running >= 0) {
        close(running);
        keel_error(&err, EEXIST, "%s: its monitor is running", dir);
        return fail(STATUS_ENGINE_ERROR, &err);
    }
    /* the signals the attached client proxies must not end us before it runs */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (o.attach && o.sig_proxy) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        sigprocmask(SIG_BLOCK, &set, NULL);
    }
    cleanup_close int sock = spawn_monitor(&o, &err);
    if (sock < 0)
        return fail(STATUS_ENGINE_ERROR, &err);
    static struct frame f;
    if (frame_recv(sock, &f) < 0 || f.type != F_RESULT) {
        keel_error(&err, 0, "%s: the monitor exited before starting the container", dir);
        return fail(STATUS_ENGINE_ERROR, &err);
    }
    char *msg;
    long status = strtol(f.data, &msg, 10);
    if (status != 0) {
        keel_error(&err, 0, "%s", *msg == ' ' ? msg + 1 : msg);
        return fail((int)status, &err);
    }
    if (!o.attach)
        return 0;
    struct attach_opts a = {.dir = dir, .detach_keys = o.detach_keys, .stdin_open = o.stdin_open,
                            .sig_proxy = o.sig_proxy};
    int r = attach_run(sock, &a, &err);
    return r < 0 ? fail(STATUS_ENGINE_ERROR, &err) : r;
}

/* --- clients -------------------------------------------------------------- */

/* CDIR's monitor; when none listens, err says the container is not running. */
static int connect_monitor(const char *dir, keel_err *err)
{
    int fd = attach_sock_connect(dir, err);
    if (fd < 0 && (errno == ENOENT || errno == ECONNREFUSED))
        keel_error(err, 0, "container %s is not running", dir);
    return fd;
}

static int cmd_attach(int argc, char **argv)
{
    static const struct option opts[] = {
        {"no-stdin", 0, 0, 'n'}, {"detach-keys", 1, 0, 'k'}, {"sig-proxy", 2, 0, 'p'}, {0},
    };
    struct attach_opts a = {.stdin_open = true, .sig_proxy = true, .attach_cmd = true};
    keel_err err = {0};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'n')
            a.stdin_open = false;
        else if (c == 'k')
            a.detach_keys = optarg;
        else if (c != 'p' || parse_bool(optarg, &a.sig_proxy) < 0)
            return bad_usage("attach: bad option", NULL);
    }
    if (optind != argc - 1)
        return bad_usage("attach needs CDIR", NULL);
    a.dir = argv[optind];
    cleanup_close int fd = connect_monitor(a.dir, &err);
    uint8_t with_stdin = a.stdin_open;
    if (fd < 0)
        return fail(1, &err);
    if (frame_send(fd, F_ATTACH, &with_stdin, 1) < 0) {
        keel_syserror(&err, "attach %s", a.dir);
        return fail(1, &err);
    }
    int r = attach_run(fd, &a, &err);
    return r < 0 ? fail(1, &err) : r;
}

/* The recorded exit of a container whose monitor is gone. */
static int recorded_exit(const char *dir, keel_err *err)
{
    struct monitor_status st;
    if (status_read(dir, &st, err) < 0)
        return -1;
    if (st.state != CSTATE_EXITED)
        return keel_error(err, 0, "%s: no monitor, and the status says %s", dir,
                          container_state_name(st.state));
    return st.exit_code;
}

static int cmd_wait(int argc, char **argv)
{
    keel_err err = {0};
    if (argc != 2)
        return bad_usage("wait needs CDIR", NULL);
    const char *dir = argv[1];
    static struct frame f;
    int code;
    cleanup_close int fd = attach_sock_connect(dir, &err);
    if (fd >= 0 && frame_send(fd, F_WAIT, NULL, 0) == 0 && frame_recv(fd, &f) == 0 &&
        f.type == F_EXIT)
        code = atoi(f.data);
    else if ((code = recorded_exit(dir, &err)) < 0)
        return fail(1, &err);
    printf("%d\n", code);
    return 0;
}

static int signal_opts(int argc, char **argv, bool with_timeout, int *timeout, int *sig,
                       keel_err *err)
{
    int c;
    while ((c = getopt(argc, argv, with_timeout ? "t:s:" : "s:")) != -1) {
        if (c == 't' && parse_int(optarg, timeout) < 0)
            return keel_error(err, EINVAL, "-t: '%s' is not a number of seconds", optarg);
        if (c == 's' && (*sig = signal_parse(optarg, err)) < 0)
            return -1;
        if (c == '?')
            return keel_error(err, EINVAL, "bad option");
    }
    if (optind != argc - 1)
        return keel_error(err, EINVAL, "needs CDIR");
    return 0;
}

static int cmd_stop(int argc, char **argv)
{
    keel_err err = {0};
    int timeout = STOP_TIMEOUT_DEFAULT, sig = 0;
    if (signal_opts(argc, argv, true, &timeout, &sig, &err) < 0)
        return fail(1, &err);
    const char *dir = argv[optind];
    cleanup_close int fd = attach_sock_connect(dir, &err);
    if (fd < 0)
        return 0; /* not running: nothing to stop, as docker stop */
    char req[64];
    if (timeout == STOP_TIMEOUT_DEFAULT)
        snprintf(req, sizeof req, "- %d", sig);
    else
        snprintf(req, sizeof req, "%d %d", timeout, sig);
    static struct frame f;
    if (frame_send_text(fd, F_STOP, req) < 0 || frame_recv(fd, &f) < 0 || f.type != F_RESULT)
        return recorded_exit(dir, &err) < 0 ? fail(1, &err) : 0;
    if (atoi(f.data) != 0) {
        keel_error(&err, 0, "%s", strchrnul(f.data, ' ') + 1);
        return fail(1, &err);
    }
    return 0;
}

/* One request of TYPE with PAYLOAD to the running monitor of DIR, answered
 * by RESULT: the command's exit status (its message printed on failure). */
static int request(const char *dir, uint8_t type, const char *payload)
{
    keel_err err = {0};
    cleanup_close int fd = connect_monitor(dir, &err);
    if (fd < 0)
        return fail(1, &err);
    static struct frame f;
    if (frame_send_text(fd, type, payload) < 0 || frame_recv(fd, &f) < 0 || f.type != F_RESULT) {
        keel_error(&err, 0, "container %s is not running", dir);
        return fail(1, &err);
    }
    if (atoi(f.data) != 0) {
        keel_error(&err, 0, "%s", strchrnul(f.data, ' ') + 1);
        return fail(1, &err);
    }
    return 0;
}

static int cmd_kill(int argc, char **argv)
{
    keel_err err = {0};
    int sig = SIGKILL;
    if (signal_opts(argc, argv, false, NULL, &sig, &err) < 0)
        return fail(1, &err);
    char num[16];
    snprintf(num, sizeof num, "%d", sig);
    return request(argv[optind], F_KILL, num);
}

/* update CDIR --restart POLICY: the running monitor's restart policy. */
static int cmd_update(int argc, char **argv)
{
    if (argc != 4 || strcmp(argv[2], "--restart") != 0)
        return bad_usage("update needs CDIR --restart POLICY", NULL);
    return request(argv[1], F_UPDATE, argv[3]);
}

/* stats: docker stats' table of the containers (keel-docker gives ID=NAME). */
static int cmd_stats(int argc, char **argv)
{
    enum { O_ROOT = 256, O_NO_STREAM, O_NO_TRUNC, O_TSV };
    static const struct option opts[] = {
        {"runtime-root", 1, 0, O_ROOT}, {"no-stream", 0, 0, O_NO_STREAM},
        {"no-trunc", 0, 0, O_NO_TRUNC}, {"tsv", 0, 0, O_TSV}, {0},
    };
    struct stats_opts o = {.root = "/run/keel", .stream = true, .interval_ms = 1000};
    keel_err err = {0};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == O_ROOT)
            o.root = optarg;
        else if (c == O_NO_STREAM)
            o.stream = false;
        else if (c == O_NO_TRUNC)
            o.no_trunc = true;
        else if (c == O_TSV)
            o.tsv = true;
        else
            return bad_usage("stats: bad option", NULL);
    }
    return stats_run(&o, argv + optind, (size_t)(argc - optind), stdout, &err) < 0 ? fail(1, &err)
                                                                                  : 0;
}

static int cmd_logs(int argc, char **argv)
{
    enum { O_TAIL = 256, O_SINCE, O_UNTIL };
    static const struct option opts[] = {
        {"follow", 0, 0, 'f'}, {"timestamps", 0, 0, 't'}, {"tail", 1, 0, O_TAIL},
        {"since", 1, 0, O_SINCE}, {"until", 1, 0, O_UNTIL}, {0},
    };
    struct logs_opts o = {.tail = -1};
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    keel_err err = {0};
    int c, n;
    while ((c = getopt_long(argc, argv, "ftn:", opts, NULL)) != -1) {
        switch (c) {
        case 'f': o.follow = true; break;
        case 't': o.timestamps = true; break;
        case 'n':
        case O_TAIL:
            if (strcmp(optarg, "all") == 0)
                o.tail = -1;
            else if (parse_int(optarg, &n) < 0)
                return bad_usage("--tail: not a number or all:", optarg);
            else
                o.tail = n < 0 ? -1 : n;
            break;
        case O_SINCE:
        case O_UNTIL:
            if (logs_time_parse(optarg, &now, c == O_SINCE ? &o.since : &o.until, &err) < 0)
                return fail(1, &err);
            *(c == O_SINCE ? &o.has_since : &o.has_until) = true;
            break;
        default:
            return bad_usage("logs: bad option", NULL);
        }
    }
    if (optind != argc - 1)
        return bad_usage("logs needs CDIR", NULL);
    return logs_run(argv[optind], &o, &err) < 0 ? fail(1, &err) : 0;
}

int main(int argc, char **argv)
{
    static const struct { const char *name; int (*run)(int, char **); } cmds[] = {
        {"start", cmd_start}, {"attach", cmd_attach}, {"wait", cmd_wait},
        {"stop", cmd_stop}, {"kill", cmd_kill}, {"logs", cmd_logs},
        {"update", cmd_update}, {"stats", cmd_stats},
    };
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 1 : 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].run(argc - 1, argv + 1);
    return bad_usage("unknown command", argv[1]);
}
