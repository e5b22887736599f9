/* The container's init before its exec (see container_init.h). The order is
 * runtime.md's: namespaces, mounts, [parent: createRuntime hooks],
 * createContainer hooks, pivot_root, the rest of the filesystem, the process'
 * settings, then wait for `start`, startContainer hooks and exec. */
#include "container_init.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "hooks.h"
#include "keel/cleanup.h"
#include "mounts.h"
#include "rootfs.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* With a joined user namespace the others are made after it, so that it owns
 * them; a new pid namespace then needs one more fork to be entered. The
 * intermediate process reports the init's pid and leaves. */
static int init_unshare_after_user(const struct init_args *a, keel_err *err)
{
    if (setns(ns_plan_join_fd(a->plan, CLONE_NEWUSER), CLONE_NEWUSER) < 0)
        return keel_syserror(err, "join user namespace");
    int flags = a->plan->create & ~(CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWTIME);
    if (flags != 0 && unshare(flags) < 0)
        return keel_syserror(err, "unshare namespaces");
    if (!(flags & CLONE_NEWPID))
        return 0;
    pid_t pid = fork();
    if (pid < 0)
        return keel_syserror(err, "fork into the pid namespace");
    if (pid == 0)
        return 0;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d", (int)pid);
    _exit(sync_send(a->sync_fd, SYNC_PID, buf, (size_t)n, NULL) < 0 ? 1 : 0);
}

static int init_become_root(keel_err *err)
{
    if (setresgid(0, 0, 0) < 0)
        return keel_syserror(err, "setgid 0 in the user namespace");
    if (setresuid(0, 0, 0) < 0)
        return keel_syserror(err, "setuid 0 in the user namespace");
    return 0;
}

static int init_namespaces(const struct init_args *a, keel_err *err)
{
    bool userns = ns_plan_has(a->plan, CLONE_NEWUSER);
    if (a->unshare_after_user && init_unshare_after_user(a, err) < 0)
        return -1;
    if (userns && init_become_root(err) < 0)
        return -1;
    if (ns_join_all(a->plan, CLONE_NEWUSER | CLONE_NEWPID, err) < 0)
        return -1;
    /* after the parent put this process in its cgroup: that becomes the namespace's root */
    if ((a->plan->create & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
        return keel_syserror(err, "unshare cgroup namespace");
    if ((a->cfg->hostname != NULL || a->cfg->domainname != NULL) && !ns_plan_has(a->plan, CLONE_NEWUTS))
        return keel_error(err, 0, "hostname and domainname need a uts namespace");
    return ns_set_names(a->cfg, err);
}

static int init_terminal(const struct init_args *a, keel_err *err)
{
    struct terminal t;
    if (terminal_open_in_container(&t, a->cfg->process, err) < 0)
        return -1;
    int r = sync_send_fd(a->sync_fd, SYNC_PTY, t.master, err);
    if (r == 0)
        r = terminal_become_controlling(t.slave, err);
    terminal_close(&t);
    return r;
}

/* The idmapped mounts keel made for this container (NULL when none), sent
 * after GO. */
static int init_receive_idmapped(const struct init_args *a, int **fds, keel_err *err)
{
    size_t n = mount_idmap_count(a->cfg);
    *fds = NULL;
    if (n == 0)
        return 0;
    *fds = calloc(n, sizeof **fds);
    if (*fds == NULL)
        return keel_error(err, ENOMEM, "idmapped mounts");
    return sync_expect_fd_list(a->sync_fd, SYNC_MOUNT_FDS, *fds, n, err);
}

/* A process.cwd missing in the rootfs is made (0755, root's), as runc and crun do,
 * inside the new root and before it may turn read-only. exec's --cwd is not. */
static int init_make_cwd(const struct oci_process *p, keel_err *err)
{
    if (p == NULL || p->cwd == NULL || p->cwd[0] != '/')
        return 0; /* process_prepare names a relative cwd */
    return mkdir_p(p->cwd, 0755, err) < 0 ? keel_error_wrap(err, "process.cwd") : 0;
}

/* Everything up to READY; returns the process settings for the exec. */
static int init_prepare(const struct init_args *a, struct process_ready *ready, char *state,
                        size_t state_cap, keel_err *err)
{
    /* made while keel makes the cgroups; a failure is told after GO, when keel listens */
    keel_err early = {0};
    int made = 0;
    if (a->unshare_first != 0 && unshare(a->unshare_first) < 0)
        made = keel_syserror(&early, "unshare namespaces");
    int join[SYNC_MAX_FDS];
    size_t njoin = 0;
    if (sync_expect_fds(a->sync_fd, SYNC_GO, join, &njoin, err) < 0)
        return -1;
    if (made < 0) {
        for (size_t i = 0; i < njoin; i++)
            close(join[i]);
        *err = early;
        return -1;
    }
    /* into the cgroup before anything else (keel made it and wrote cgroup2) */
    int joined = cgroup_join_self(join, njoin, err);
    for (size_t i = 0; i < njoin; i++)
        close(join[i]);
    if (joined < 0)
        return keel_error_wrap(err, "join the cgroup");
    cleanup_free int *idmapped = NULL;
    if (init_namespaces(a, err) < 0 || init_receive_idmapped(a, &idmapped, err) < 0)
        return -1;
    struct rootfs_opts ro = {
        .bundle = a->bundle,
        .no_pivot = a->no_pivot,
        .in_userns = ns_plan_has(a->plan, CLONE_NEWUSER),
        .console_path = NULL, /* the pty is made after pivot_root, in the container's devpts */
        .idmapped = idmapped,
        .shared_mntns = !ns_plan_has(a->plan, CLONE_NEWNS),
    };
    if (rootfs_prepare(a->cfg, &ro, err) < 0)
        return -1;
    if (a->hooks_sync && (sync_send(a->sync_fd, SYNC_MOUNTED, NULL, 0, err) < 0 ||
                          sync_expect(a->sync_fd, SYNC_HOOKS_DONE, state, state_cap, err) < 0))
        return -1;
    const struct oci_hooks *h = a->cfg->hooks;
    if (h != NULL && hooks_run(h->createContainer, h->createContainer_len, "createContainer", state, err) < 0)
        return -1;
    if (rootfs_pivot(a->cfg, &ro, err) < 0 || init_make_cwd(a->cfg->process, err) < 0 ||
        rootfs_finish(a->cfg, err) < 0)
        return -1;
    if (process_new_session(err) < 0 || (a->terminal && init_terminal(a, err) < 0))
        return -1;
    return process_prepare(a->cfg, a->cfg->process, &a->popts, ready, err);
}

static void init_die(int sig)
{
    _exit(128 + sig);
}

/* As pid 1 of its namespace the waiting init would ignore every signal it has
 * no handler for; a created container should die of `kill ID TERM` as the
 * program would (runc's init does). process_exec restores the defaults. */
static void init_catch_terminating_signals(void)
{
    static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM,
                               SIGTERM, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGPWR};
    struct sigaction sa = {.sa_handler = init_die};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&set, sigs[i]);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Blocks until `start` writes a byte into exec.fifo. */
static int init_wait_start(int fifo_fd, keel_err *err)
{
    char c;
    ssize_t n;
    do
        n = read(fifo_fd, &c, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1)
        return keel_syserror(err, "wait for start on exec.fifo");
    /* left open: its close at exec tells start that the program runs */
    return 0;
}

void container_init(const struct init_args *a)
{
    keel_err err = {0};
    static char state[65536];
    struct process_ready ready;
    /* until create has written state.json the container dies with its
     * creator: by this signal while it lasts (a credential change clears it),
     * and in any case at the sync socket's EOF, which every step up to
     * SYNC_SAVED waits on or writes to (a creator gone before the prctl too) */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    /* until its exec, the processes of a pid namespace it joins must not
     * reach the host through its /proc entries (its cwd and root are the
     * host's until pivot_root; runc's CVE-2016-9962). With a user namespace
     * it stays dumpable: keel writes its id maps, and it its own /proc files. */
    if (!ns_plan_has(a->plan, CLONE_NEWUSER) && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        keel_syserror(&err, "prctl PR_SET_DUMPABLE");
        sync_send_error(a->sync_fd, &err);
        _exit(1);
    }
    if (init_prepare(a, &ready, state, sizeof state, &err) < 0) {
        sync_send_error(a->sync_fd, &err);
        _exit(1);
    }
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    char saved[8];
    if (sync_send(a->sync_fd, SYNC_READY, NULL, 0, &err) < 0 ||
        sync_expect(a->sync_fd, SYNC_SAVED, saved, sizeof saved, &err) < 0)
        _exit(1);
    close(a->sync_fd);
    init_catch_terminating_signals();
    if (init_wait_start(a->fifo_fd, &err) < 0)
        goto fail;
    const struct oci_hooks *h = a->cfg->hooks;
    if (h != NULL && hooks_run(h->startContainer, h->startContainer_len, "startContainer", state, &err) < 0)
        goto fail;
    process_exec(a->cfg, a->cfg->process, &a->popts, &ready, &err);
fail:
    fprintf(stderr, "keel: %s\n", err.msg);
    /* start reads it once this process is gone */
    (void)!write(a->exec_err_fd, err.msg, strlen(err.msg));
    _exit(127);
}
