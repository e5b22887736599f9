/* exec: keel forks a helper that joins the container's cgroup and namespaces
 * (user first) and forks once more to be inside its pid namespace; that last
 * process makes its pty (with -t) from the container's /dev/ptmx, so that it
 * is a /dev/pts/N of the container's devpts as under run, sends keel the
 * master, applies config.process through process.c and execs. keel stays its
 * parent (a subreaper), forwards signals, relays the pty or hands it to
 * --console-socket, and returns the exit status. */
#include "container_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "container_setup.h"
#include "foreground.h"
#include "keel/cleanup.h"
#include "lsm.h"
#include "namespaces.h"
#include "process.h"
#include "seccomp_filter.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* User first (it owns the others), then runc's order; mnt late, as /proc
 * changes with it (every fd is opened before the first setns anyway). */
static const int exec_ns_order[] = {
    CLONE_NEWUSER, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET, CLONE_NEWPID,
    CLONE_NEWCGROUP, CLONE_NEWTIME, CLONE_NEWNS,
};
#define EXEC_NS_COUNT (sizeof exec_ns_order / sizeof exec_ns_order[0])

/* --- the process: --process, or config.process with the flags ------------ */

static int env_set(struct oci_process *p, const char *kv, keel_err *err)
{
    const char *eq = strchr(kv, '=');
    if (eq == NULL || eq == kv)
        return keel_error(err, 0, "--env %s: expected KEY=VALUE", kv);
    size_t klen = (size_t)(eq - kv) + 1;
    for (size_t i = 0; i < p->env_len; i++) {
        if (strncmp(p->env[i], kv, klen) == 0) {
            char *copy = strdup(kv);
            if (copy == NULL)
                return keel_error(err, ENOMEM, "--env");
            free(p->env[i]);
            p->env[i] = copy;
            return 0;
        }
    }
    if (spec_strs_append(&p->env, &p->env_len, kv) < 0)
        return keel_error(err, ENOMEM, "--env");
    return 0;
}

static int parse_id(const char *what, const char *s, uint32_t *out, keel_err *err)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v > UINT32_MAX || s[0] == '-')
        return keel_error(err, 0, "%s %s: expected a number", what, s);
    *out = (uint32_t)v;
    return 0;
}

static int apply_user_flags(const struct exec_opts *o, struct oci_process *p, keel_err *err)
{
    if (o->user == NULL && o->additional_gids_len == 0)
        return 0;
    if (p->user == NULL && (p->user = calloc(1, sizeof *p->user)) == NULL)
        return keel_error(err, ENOMEM, "--user");
    if (o->user != NULL) {
        cleanup_free char *copy = strdup(o->user);
        if (copy == NULL)
            return keel_error(err, ENOMEM, "--user");
        char *colon = strchr(copy, ':');
        if (colon != NULL)
            *colon = '\0';
        if (parse_id("--user", copy, &p->user->uid, err) < 0 ||
            (colon != NULL && parse_id("--user", colon + 1, &p->user->gid, err) < 0))
            return -1;
    }
    for (size_t i = 0; i < o->additional_gids_len; i++) {
        uint32_t gid;
        if (parse_id("--additional-gids", o->additional_gids[i], &gid, err) < 0)
            return -1;
        uint32_t *grown = realloc(p->user->additionalGids,
                                  (p->user->additionalGids_len + 1) * sizeof *grown);
        if (grown == NULL)
            return keel_error(err, ENOMEM, "--additional-gids");
        grown[p->user->additionalGids_len++] = gid;
        p->user->additionalGids = grown;
    }
    return 0;
}

/* runc's --cap: bounding, effective and permitted; ambient only when the
 * process has inheritable capabilities (ambient needs them). */
static int apply_cap_flags(const struct exec_opts *o, struct oci_process *p, keel_err *err)
{
    if (o->caps_len == 0)
        return 0;
    if (p->capabilities == NULL && (p->capabilities = calloc(1, sizeof *p->capabilities)) == NULL)
        return keel_error(err, ENOMEM, "--cap");
    struct oci_capabilities *c = p->capabilities;
    bool ambient = c->inheritable != NULL;
    for (size_t i = 0; i < o->caps_len; i++) {
        const char *cap = o->caps[i];
        if (spec_strs_append(&c->bounding, &c->bounding_len, cap) < 0 ||
            spec_strs_append(&c->effective, &c->effective_len, cap) < 0 ||
            spec_strs_append(&c->permitted, &c->permitted_len, cap) < 0 ||
            (ambient && spec_strs_append(&c->ambient, &c->ambient_len, cap) < 0))
            return keel_error(err, ENOMEM, "--cap");
    }
    return 0;
}

static int replace_str(char **field, const char *value, keel_err *err)
{
    if (value == NULL)
        return 0;
    char *copy = strdup(value);
    if (copy == NULL)
        return keel_error(err, ENOMEM, "exec");
    free(*field);
    *field = copy;
    return 0;
}

static int apply_flags(const struct exec_opts *o, struct oci_process *p, keel_err *err)
{
    for (size_t i = 0; i < p->args_len; i++)
        free(p->args[i]);
    free(p->args);
    p->args = NULL;
    p->args_len = 0;
    for (size_t i = 0; i < o->args_len; i++)
        if (spec_strs_append(&p->args, &p->args_len, o->args[i]) < 0)
            return keel_error(err, ENOMEM, "exec");
    p->terminal = o->tty;
    p->has_terminal = true;
    for (size_t i = 0; i < o->env_len; i++)
        if (env_set(p, o->env[i], err) < 0)
            return -1;
    if (o->no_new_privs)
        p->noNewPrivileges = p->has_noNewPrivileges = true;
    if (replace_str(&p->cwd, o->cwd, err) < 0 ||
        replace_str(&p->apparmorProfile, o->apparmor, err) < 0 ||
        replace_str(&p->selinuxLabel, o->process_label, err) < 0)
        return -1;
    return apply_user_flags(o, p, err) < 0 ? -1 : apply_cap_flags(o, p, err);
}

int exec_build_process(const struct exec_opts *o, const struct oci_config *cfg,
                       struct oci_process *p, keel_err *err)
{
    memset(p, 0, sizeof *p);
    if (o->process_file != NULL) {
        if (spec_parse_file(&spec_type_oci_process, o->process_file, p, err) < 0)
            return -1;
        if (p->args_len == 0) {
            spec_release(&spec_type_oci_process, p);
            return keel_error(err, 0, "%s: args: required", o->process_file);
        }
        return 0;
    }
    if (o->args_len == 0)
        return keel_error(err, 0, "exec: a command is required (or --process FILE)");
    if (cfg->process == NULL)
        return keel_error(err, 0, "exec: the container's config has no process");
    if (spec_copy(&spec_type_oci_process, p, cfg->process, err) < 0)
        return -1;
    if (apply_flags(o, p, err) < 0) {
        spec_release(&spec_type_oci_process, p);
        return -1;
    }
    return 0;
}

/* --- the two children ----------------------------------------------------- */

struct exec_ctx {
    const struct exec_opts *o;
    struct container c;
    struct oci_config cfg;
    struct oci_process p;
    struct keel_seccomp seccomp;
    bool has_seccomp;
    int ns_fds[EXEC_NS_COUNT];  /* -1: shared with keel, nothing to join */
    int root_fd;                /* the init's root when its mount namespace is keel's */
    struct cgroup *cgroup;      /* the container's, NULL when create made none */
    struct terminal tty;        /* keel: only the master, from the process */
    int sync[2];                /* SEQPACKET: pid, pty master, errors up; EOF on exec */
    int seccomp_sock[2];        /* the NOTIFY listener fd up */
    pid_t pid;                  /* the process in the container */
};

/* A failure in a child: its errno and message to keel (SYNC_ERROR), then out. */
static __attribute__((noreturn)) void child_fail(int sync_fd, const keel_err *err)
{
    sync_send_error(sync_fd, err); /* keel sees EOF at worst */
    _exit(1);
}

/* Opens /proc/PID/ns/NAME of the container for each namespace it does not share
 * with keel. */
static int open_namespaces(struct exec_ctx *x, keel_err *err)
{
    for (size_t i = 0; i < EXEC_NS_COUNT; i++) {
        const char *name = ns_proc_name(exec_ns_order[i]);
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)x->c.st.pid, name);
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
            continue; /* a namespace kind this kernel lacks */
        if (fd < 0)
            return keel_syserror(err, "open %s", path);
        struct stat theirs, ours;
        snprintf(path, sizeof path, "/proc/self/ns/%s", name);
        if (fstat(fd, &theirs) < 0 || stat(path, &ours) < 0)
            return keel_syserror(err, "stat %s namespace", name);
        if (theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev)
            x->ns_fds[i] = steal_fd(fd);
        else if (exec_ns_order[i] == CLONE_NEWNS) {
            /* a container without a mount namespace is still chrooted in its rootfs */
            snprintf(path, sizeof path, "/proc/%d/root", (int)x->c.st.pid);
            if ((x->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return keel_syserror(err, "open %s", path);
        }
    }
    return 0;
}

static int join_namespaces(const struct exec_ctx *x, keel_err *err)
{
    for (size_t i = 0; i < EXEC_NS_COUNT; i++) {
        int flag = exec_ns_order[i];
        if (x->ns_fds[i] < 0)
            continue;
        if (setns(x->ns_fds[i], flag) < 0)
            return keel_syserror(err, "join the container's %s namespace", ns_proc_name(flag));
        /* root in the container's user namespace, as its init is */
        if (flag == CLONE_NEWUSER && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
            return keel_syserror(err, "become root in the container's user namespace");
    }
    if (x->root_fd >= 0 && (fchdir(x->root_fd) < 0 || chroot(".") < 0))
        return keel_syserror(err, "chroot into the container's root");
    return 0;
}

/* The process in the container: settings, seccomp, exec. */
static __attribute__((noreturn)) void exec_in_container(struct exec_ctx *x)
{
    keel_err err = {0};
    struct process_opts po = {
        .no_new_keyring = true,
        .preserve_fds = x->o->preserve_fds,
        .seccomp = x->has_seccomp ? &x->seccomp : NULL,
        .seccomp_fd_sock = x->seccomp_sock[1],
    };
    struct process_ready ready;
    if (process_new_session(&err) < 0)
        child_fail(x->sync[1], &err);
    if (x->p.terminal) {
        /* in the container's mount namespace: its devpts, as runc does */
        uint32_t uid = x->p.user != NULL ? x->p.user->uid : 0;
        if (terminal_open(&x->tty, &x->p, uid, &err) < 0 ||
            sync_send_fd(x->sync[1], SYNC_PTY, x->tty.master, &err) < 0 ||
            terminal_become_controlling(x->tty.slave, &err) < 0)
            child_fail(x->sync[1], &err);
        terminal_close(&x->tty);
    }
    if (process_prepare(&x->cfg, &x->p, &po, &ready, &err) < 0)
        child_fail(x->sync[1], &err);
    process_exec(&x->cfg, &x->p, &po, &ready, &err);
    child_fail(x->sync[1], &err);
}

/* The helper: cgroup, namespaces, then the fork into the pid namespace; it
 * reports that process' pid and leaves. */
static __attribute__((noreturn)) void exec_helper(struct exec_ctx *x)
{
    keel_err err = {0};
    close(x->sync[0]);
    close(x->seccomp_sock[0]);
    /* The process forked below is in the container's pid namespace until its
     * exec: not dumpable, so that the container's processes cannot ptrace it
     * or open its fds (runc's CVE-2016-9962), holding no fd of the host. Its
     * oom_score_adj is written here, in the host's /proc (as runc does),
     * since a non-dumpable process in a user namespace may not write its own. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        keel_syserror(&err, "prctl PR_SET_DUMPABLE");
        child_fail(x->sync[1], &err);
    }
    if (x->p.has_oomScoreAdj && proc_write_oom_score_adj(0, x->p.oomScoreAdj, &err) < 0)
        child_fail(x->sync[1], &err);
    x->p.has_oomScoreAdj = false; /* done: process_prepare leaves it */
    /* single-threaded (forked): joins by `tasks`, without the grace period (cgroup.h) */
    if (x->cgroup != NULL && cgroup_add_self(x->cgroup, &err) < 0) {
        keel_error_wrap(&err, "join the container's cgroup");
        child_fail(x->sync[1], &err);
    }
    if (join_namespaces(x, &err) < 0)
        child_fail(x->sync[1], &err);
    cgroup_free(x->cgroup); /* its directories' fds: the host's cgroupfs */
    x->cgroup = NULL;
    for (size_t i = 0; i < EXEC_NS_COUNT; i++)
        if (x->ns_fds[i] >= 0) {
            close(x->ns_fds[i]);
            x->ns_fds[i] = -1;
        }
    pid_t pid = fork();
    if (pid < 0) {
        keel_syserror(&err, "fork into the container's pid namespace");
        child_fail(x->sync[1], &err);
    }
    if (pid == 0)
        exec_in_container(x);
    char msg[32];
    int n = snprintf(msg, sizeof msg, "%d", (int)pid);
    _exit(sync_send(x->sync[1], SYNC_PID, msg, (size_t)n, NULL) < 0 ? 1 : 0);
}

/* --- keel's side ---------------------------------------------------------- */

/* One message from the children (sync.h's exec sequence), the pty master
 * (PTY, kept in x->tty) taken on the way whenever it comes: 1 with the pid
 * (PID), 0 at EOF (exec'd), -1 with the child's error and errno, or for a
 * message out of order. */
static int read_child(struct exec_ctx *x, pid_t *pid, keel_err *err)
{
    for (;;) {
        char buf[SYNC_ERROR_MAX];
        struct sync_msg m = {.data = buf, .cap = sizeof buf};
        int r = sync_receive(x->sync[0], &m, err);
        if (r <= 0)
            return r;
        if (m.type == SYNC_PTY && m.nfds == 1 && x->tty.master < 0) {
            x->tty.master = m.fds[0];
            continue;
        }
        if (sync_check(&m, pid != NULL ? SYNC_PID : SYNC_PTY, err) < 0)
            return -1;
        sync_close_fds(&m);
        if (m.type != SYNC_PID)
            return keel_error(err, 0, "sync: PTY without a pty, or a second one");
        *pid = (pid_t)atoi(buf);
        return 1;
    }
}

/* Relayed by keel: the caller's terminal size from the start, before the
 * program can ask (process.consoleSize otherwise, or when stdin knows none). */
static int exec_caller_size(struct oci_process *p, keel_err *err)
{
    struct winsize ws;
    if (!isatty(STDIN_FILENO) || ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 ||
        (ws.ws_row == 0 && ws.ws_col == 0))
        return 0;
    if (p->consoleSize == NULL && (p->consoleSize = calloc(1, sizeof *p->consoleSize)) == NULL)
        return keel_error(err, ENOMEM, "exec");
    p->consoleSize->height = ws.ws_row;
    p->consoleSize->width = ws.ws_col;
    return 0;
}

/* The container's cgroup, or with --cgroup an existing one below it (runc's plain
 * form; its v1 per-controller form CONTROLLERS:PATH is refused). */
static int exec_open_cgroup(struct exec_ctx *x, keel_err *err)
{
    const char *sub = x->o->sub_cgroup;
    if (x->c.st.cgroupPath == NULL)
        return sub != NULL ? keel_error(err, 0, "--cgroup %s: the container has no cgroup", sub) : 0;
    if (sub == NULL) {
        x->cgroup = cgroup_open(CGROUP_DEFAULT_ROOT, x->c.st.cgroupPath, err);
        return x->cgroup != NULL ? 0 : -1;
    }
    if (strchr(sub, ':') != NULL)
        return keel_error(err, 0, "--cgroup %s: the per-controller form is not supported by keel", sub);
    if (sub[0] == '/')
        return keel_error(err, 0, "--cgroup %s: not a path below the container's cgroup", sub);
    cleanup_free char *joined = NULL;
    if (asprintf(&joined, "%s/%s", x->c.st.cgroupPath, sub) < 0)
        return keel_error(err, ENOMEM, "--cgroup %s", sub);
    /* no "..", "." or empty component may take it out of the container's */
    cleanup_free char *path = cgroup_resolve_path(joined, NULL, err);
    if (path == NULL)
        return keel_error_wrap(err, "--cgroup %s", sub);
    struct cgroup *own = cgroup_open(CGROUP_DEFAULT_ROOT, x->c.st.cgroupPath, err);
    if (own == NULL)
        return -1;
    x->cgroup = cgroup_open(CGROUP_DEFAULT_ROOT, path, err);
    /* a hierarchy without it would leave the process in keel's own cgroup there */
    bool everywhere = x->cgroup != NULL && cgroup_in_every_hierarchy_of(x->cgroup, own);
    cgroup_free(own);
    if (x->cgroup == NULL)
        return keel_error_wrap(err, "--cgroup %s", sub);
    if (!everywhere)
        return keel_error(err, ENOENT, "--cgroup %s: missing in some of the container's cgroup hierarchies", sub);
    return 0;
}

static int exec_prepare(struct exec_ctx *x, keel_err *err)
{
    const struct exec_opts *o = x->o;
    if (container_open(o->root, o->id, &x->c, err) < 0)
        return -1;
    enum container_status s = container_status(&x->c);
    if (s == STATUS_PAUSED && !o->ignore_paused)
        return keel_error(err, 0, "cannot exec in a paused container (use --ignore-paused to override)");
    if (s == STATUS_STOPPED)
        return keel_error(err, 0, "cannot exec in a stopped container");
    if (s != STATUS_RUNNING && s != STATUS_PAUSED)
        return keel_error(err, 0, "container %s is %s, not running: cannot exec in it", o->id,
                          status_name(s));
    if (container_load_config(&x->c, &x->cfg, err) < 0 ||
        exec_build_process(o, &x->cfg, &x->p, err) < 0 || lsm_check(&x->p, "exec", err) < 0)
        return -1;
    if (setup_seccomp(&x->cfg, o->root, &x->seccomp, &x->has_seccomp, x->seccomp_sock, err) < 0)
        return -1;
    if (x->p.terminal) {
        if (o->console_socket == NULL && o->detach)
            return keel_error(err, 0, "exec -t -d needs --console-socket");
        if (o->console_socket == NULL && exec_caller_size(&x->p, err) < 0)
            return -1;
    } else if (o->console_socket != NULL) {
        return keel_error(err, 0, "--console-socket given without -t");
    }
    if (open_namespaces(x, err) < 0)
        return -1;
    if (exec_open_cgroup(x, err) < 0)
        return -1;
    return setup_sync_pair(x->sync, err);
}

/* From the fork to the exec: the pid, the listener fd, then EOF or an error. */
static int exec_start(struct exec_ctx *x, keel_err *err)
{
    /* the helper is cloned into the container's cgroup2 directory where it can be;
     * it leaves once it reported the pid, or is killed when keel fails first */
    cleanup_pid pid_t helper = setup_clone(0, x->cgroup, err);
    if (helper < 0)
        return -1;
    if (helper == 0)
        exec_helper(x);
    close(x->sync[1]);
    close(x->seccomp_sock[1]);
    x->sync[1] = x->seccomp_sock[1] = -1;
    int r = read_child(x, &x->pid, err);
    if (r == 0)
        return keel_error(err, 0, "the exec helper exited without a report");
    if (r < 0)
        return -1;
    keel_err ferr = {0};
    if (x->has_seccomp && x->seccomp.notify &&
        setup_forward_listener(&x->c, STATUS_RUNNING, &x->seccomp, x->seccomp_sock[0], x->pid,
                               &ferr) < 0) {
        /* the process' own error, when it failed before sending the fd, says more */
        if (read_child(x, NULL, err) < 0)
            return -1;
        *err = ferr;
        return -1;
    }
    if (read_child(x, NULL, err) < 0)
        return -1;
    if (x->p.terminal && x->tty.master < 0)
        return keel_error(err, 0, "the exec'd process sent no pty");
    if (setup_hand_over(x->o->console_socket, x->tty.master, x->o->pidfd_socket, x->pid, err) < 0)
        return -1;
    return setup_pid_file(x->o->pid_file, x->pid, err);
}

/* In the foreground: keel relays the pty when no console socket took it. */
static int exec_wait(struct exec_ctx *x, const sigset_t *sigs, keel_err *err)
{
    cleanup_close int sigfd = signalfd(-1, sigs, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sigfd < 0)
        return keel_syserror(err, "signalfd");
    int master = x->o->console_socket == NULL ? x->tty.master : -1;
    struct termios saved;
    bool raw = false;
    if (master >= 0 && isatty(STDIN_FILENO)) {
        foreground_copy_winsize(master);
        raw = terminal_make_raw(STDIN_FILENO, &saved) == 0;
    }
    int status = foreground_wait(x->pid, sigfd, master);
    if (raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    return status;
}

static void exec_ctx_release(struct exec_ctx *x)
{
    for (size_t i = 0; i < EXEC_NS_COUNT; i++)
        if (x->ns_fds[i] >= 0)
            close(x->ns_fds[i]);
    if (x->root_fd >= 0)
        close(x->root_fd);
    for (int i = 0; i < 2; i++) {
        if (x->sync[i] >= 0)
            close(x->sync[i]);
        if (x->seccomp_sock[i] >= 0)
            close(x->seccomp_sock[i]);
    }
    terminal_close(&x->tty);
    cgroup_free(x->cgroup);
    keel_seccomp_release(&x->seccomp);
    spec_release(&spec_type_oci_process, &x->p);
    spec_release(&spec_type_oci_config, &x->cfg);
    container_close(&x->c);
}

int container_exec(const struct exec_opts *o, int *status, keel_err *err)
{
    __attribute__((cleanup(exec_ctx_release))) struct exec_ctx x = {
        .o = o, .tty = {.master = -1, .slave = -1}, .sync = {-1, -1}, .seccomp_sock = {-1, -1},
        .root_fd = -1, .c = CONTAINER_INIT};
    for (size_t i = 0; i < EXEC_NS_COUNT; i++)
        x.ns_fds[i] = -1;
    *status = 0;
    /* blocked before the fork so that none is lost; process_exec unblocks them */
    sigset_t sigs, old;
    foreground_block_signals(&sigs, &old);
    /* the process outlives the helper that forked it: it comes back to keel */
    if (!o->detach)
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    int r = exec_prepare(&x, err);
    if (r == 0) {
        /* the lock is for keel's commands: kill and delete must work meanwhile */
        close(x.c.dirfd);
        x.c.dirfd = -1;
        r = exec_start(&x, err);
    }
    /* detached, the process is not keel's child (keel is no subreaper) */
    if (r < 0 && x.pid > 0)
        setup_kill(x.pid, o->detach ? 0 : x.pid);
    if (r == 0 && !o->detach) {
        int st = exec_wait(&x, &sigs, err);
        if (st < 0)
            r = -1;
        else
            *status = st;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (r < 0)
        keel_error_wrap(err, "exec in %s", o->id);
    return r;
}
