/* create (runtime.md "create"): the state directory, the exec FIFO, the
 * container's init cloned into its namespaces, the hooks of the create
 * phase, state.json, and the pid file; undone entirely on any failure. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "container_cgroup.h"
#include "container_init.h"
#include "container_setup.h"
#include "hooks.h"
#include "log.h"
#include "mounts.h"
#include "netdev.h"
#include "lsm.h"
#include "rootfs.h"
#include "seccomp_filter.h"
#include "state.h"
#include "sync.h"
#include "sysctl.h"
#include "terminal.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct create_ctx {
    const struct create_opts *o;
    struct oci_config cfg;
    char *bundle;
    struct container c;
    struct ns_plan plan;
    int master;        /* the pty master, from the container */
    int fifo_fd;
    int exec_err_fd;   /* exec.err, for the init */
    int sync_fd;       /* keel's end */
    struct keel_seccomp seccomp; /* linux.seccomp, compiled once here */
    bool has_seccomp;
    int seccomp_sock[2]; /* the NOTIFY listener fd comes up here */
    pid_t pid;         /* the init */
    pid_t reap;        /* a child to wait for (the init, or the intermediate) */
    struct cgroup *cg; /* the container's cgroup, joined before GO */
    bool hooks_begun;  /* a failure from here on runs the poststop hooks (lifecycle step 13) */
    char *bound_rootfs; /* no mount namespace: the rootfs bind keel made (rootfs.h) */
};

/* In keel, before anything exists: a bad profile fails create cleanly. */
static int create_compile_seccomp(struct create_ctx *x, keel_err *err)
{
    if (setup_seccomp(&x->cfg, x->o->root, &x->seccomp, &x->has_seccomp, x->seccomp_sock, err) < 0)
        return -1;
    for (size_t i = 0; x->has_seccomp && i < x->seccomp.unknown_len; i++)
        log_warn("linux.seccomp: syscall %s is unknown to libseccomp: skipped", x->seccomp.unknown[i]);
    return 0;
}

/* Up to READY. With a NOTIFY filter the init loads it in process_prepare,
 * after HOOKS_DONE and before READY, and its listener fd goes to the agent at
 * once: the agent then answers whatever the rest of the init's setup does
 * under the filter (all of it, without noNewPrivileges). */
static int create_wait_ready(struct create_ctx *x, keel_err *err)
{
    char buf[64];
    if (x->has_seccomp && x->seccomp.notify) {
        close(x->seccomp_sock[1]);
        x->seccomp_sock[1] = -1;
        keel_err ferr = {0};
        if (setup_forward_listener(&x->c, STATUS_CREATING, &x->seccomp, x->seccomp_sock[0], x->pid,
                                   &ferr) < 0) {
            /* an init that failed before loading the filter says why on the sync socket */
            if (sync_expect(x->sync_fd, SYNC_READY, buf, sizeof buf, err) < 0)
                return -1;
            *err = ferr;
            return -1;
        }
    }
    return sync_expect(x->sync_fd, SYNC_READY, buf, sizeof buf, err);
}

static int create_read_config(struct create_ctx *x, keel_err *err)
{
    x->bundle = path_absolute(x->o->bundle != NULL ? x->o->bundle : ".", err);
    if (x->bundle == NULL)
        return -1;
    char path[4200];
    snprintf(path, sizeof path, "%s/config.json", x->bundle);
    if (spec_parse_file(&spec_type_oci_config, path, &x->cfg, err) < 0)
        return -1;
    if (oci_config_validate(&x->cfg, "config.json", err) < 0)
        return -1;
    if (x->cfg.process == NULL)
        return keel_error(err, 0, "config.json: process: required by create");
    for (size_t i = 0; i < x->cfg.annotations_len; i++)
        if (x->cfg.annotations_keys[i][0] == '\0')
            return keel_error(err, 0, "config.json: annotations: a key is empty");
    if (x->o->listen_fds > 0) {
        /* socket activation: the fds follow the preserved ones, as runc passes them */
        char buf[32];
        snprintf(buf, sizeof buf, "LISTEN_FDS=%d", x->o->listen_fds);
        struct oci_process *p = x->cfg.process;
        if (spec_strs_append(&p->env, &p->env_len, buf) < 0 ||
            spec_strs_append(&p->env, &p->env_len, "LISTEN_PID=1") < 0)
            return keel_error(err, ENOMEM, "LISTEN_FDS");
    }
    if (create_compile_seccomp(x, err) < 0)
        return -1;
    if (ns_plan_build(&x->cfg, &x->plan, err) < 0)
        return keel_error_wrap(err, "config.json");
    const struct oci_linux *l = x->cfg.linux;
    /* runc's rule: the host's /proc and /sys are not to be masked from under it */
    if (!ns_plan_has(&x->plan, CLONE_NEWNS) && l != NULL &&
        (l->maskedPaths_len > 0 || l->readonlyPaths_len > 0))
        return keel_error(err, 0, "config.json: linux.%s: unable to restrict sys entries without a private mount namespace",
                          l->maskedPaths_len > 0 ? "maskedPaths" : "readonlyPaths");
    if (sysctl_check(l, err) < 0 || lsm_check(x->cfg.process, "process", err) < 0 ||
        (l != NULL && l->resources != NULL &&
         cgroup_check_network(CGROUP_DEFAULT_ROOT, l->resources->network, err) < 0))
        return keel_error_wrap(err, "config.json");
    return 0;
}

static int create_terminal(struct create_ctx *x, keel_err *err)
{
    const struct oci_process *p = x->cfg.process;
    if (!p->terminal) {
        if (x->o->console_socket != NULL)
            return keel_error(err, 0, "--console-socket given but process.terminal is false");
        return 0;
    }
    if (x->o->console_socket == NULL && !x->o->foreground)
        return keel_error(err, 0, "process.terminal is true: --console-socket is required");
    return 0;
}

/* A time namespace is made here (its offsets must be set before any process
 * enters it) and a pid namespace joined here (setns only affects children);
 * both apply to the next child only and are undone right after the clone. */
static int create_for_children(struct create_ctx *x, int *saved_time, int *saved_pid, keel_err *err)
{
    *saved_time = *saved_pid = -1;
    if (x->plan.create & CLONE_NEWTIME) {
        *saved_time = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
        if (*saved_time < 0 || unshare(CLONE_NEWTIME) < 0)
            return keel_syserror(err, "unshare time namespace");
        if (ns_write_time_offsets(&x->cfg, err) < 0)
            return -1;
    }
    int pidfd = ns_plan_join_fd(&x->plan, CLONE_NEWPID);
    if (pidfd >= 0) {
        *saved_pid = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
        if (*saved_pid < 0 || setns(pidfd, CLONE_NEWPID) < 0)
            return keel_syserror(err, "join pid namespace");
    }
    return 0;
}

static void create_restore_for_children(int saved_time, int saved_pid)
{
    /* setns to our own namespaces cannot fail short of a kernel bug */
    if (saved_time >= 0) {
        (void)!setns(saved_time, CLONE_NEWTIME);
        close(saved_time);
    }
    if (saved_pid >= 0) {
        (void)!setns(saved_pid, CLONE_NEWPID);
        close(saved_pid);
    }
}

/* The state and the MOUNTED/HOOKS_DONE exchange exist for the hooks that run
 * between the mounts and the program, and for linux.netDevices, moved there
 * (before the hooks) once the init's network namespace exists; without them
 * the init goes on alone. */
static bool create_hooks_sync(const struct oci_config *cfg)
{
    const struct oci_hooks *h = cfg->hooks;
    if (cfg->linux != NULL && cfg->linux->netDevices_len > 0)
        return true;
    return h != NULL && (h->prestart_len > 0 || h->createRuntime_len > 0 || h->createContainer_len > 0 ||
                         h->startContainer_len > 0);
}

static int create_clone(struct create_ctx *x, keel_err *err)
{
    int sv[2];
    if (setup_sync_pair(sv, err) < 0)
        return -1;
    x->sync_fd = sv[0];
    bool user_joined = ns_plan_join_fd(&x->plan, CLONE_NEWUSER) >= 0;
    int flags = user_joined ? 0 : x->plan.create & ~(CLONE_NEWCGROUP | CLONE_NEWTIME);
    /* without a user namespace (which must come first, to own the others) the
     * child makes its net, mount, uts and ipc namespaces itself while keel
     * makes its cgroups: a network namespace alone costs ~0.6 ms to make */
    int in_child = 0;
    if (!user_joined && !(x->plan.create & CLONE_NEWUSER))
        in_child = flags & (CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC);
    flags &= ~in_child;
    struct init_args a = {
        .cfg = &x->cfg,
        .plan = &x->plan,
        .bundle = x->bundle,
        .sync_fd = sv[1],
        .fifo_fd = x->fifo_fd,
        .exec_err_fd = x->exec_err_fd,
        .terminal = x->cfg.process->terminal,
        .no_pivot = x->o->no_pivot,
        .unshare_after_user = user_joined,
        .unshare_first = in_child,
        .hooks_sync = create_hooks_sync(&x->cfg),
        .popts = {.no_new_keyring = x->o->no_new_keyring, .preserve_fds = x->o->preserve_fds + x->o->listen_fds,
                  .seccomp = x->has_seccomp ? &x->seccomp : NULL, .seccomp_fd_sock = x->seccomp_sock[1]},
    };
    int saved_time, saved_pid;
    if (create_for_children(x, &saved_time, &saved_pid, err) < 0) {
        create_restore_for_children(saved_time, saved_pid);
        close(sv[1]);
        return -1;
    }
    /* oomScoreAdj: written by keel in the host's /proc (create_release_child) */
    struct oci_process *p = x->cfg.process;
    bool oom = p->has_oomScoreAdj;
    p->has_oomScoreAdj = false;
    pid_t pid = setup_clone(flags, x->cg, err);
    if (pid == 0) {
        close(sv[0]);
        /* the lock belongs to keel: the container must not hold it while it waits */
        close(x->c.dirfd);
        container_init(&a);
    }
    p->has_oomScoreAdj = oom;
    create_restore_for_children(saved_time, saved_pid);
    close(sv[1]);
    if (pid < 0)
        return -1;
    x->pid = x->reap = pid;
    log_debug("create %s: init %d cloned with flags %#x", x->c.id, (int)pid, (unsigned)flags);
    return 0;
}

/* The idmapped mounts, made here on the host side once the container's user
 * namespace has its maps, go to the init to attach (mounts_idmap.c). */
static int create_send_idmapped(struct create_ctx *x, keel_err *err)
{
    size_t n = mount_idmap_count(&x->cfg);
    if (n == 0)
        return 0;
    cleanup_close int own = -1;
    int userns = ns_plan_join_fd(&x->plan, CLONE_NEWUSER);
    if (userns < 0 && (x->plan.create & CLONE_NEWUSER)) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/user", (int)x->pid);
        if ((own = userns = open(path, O_RDONLY | O_CLOEXEC)) < 0)
            return keel_syserror(err, "open %s", path);
    }
    cleanup_free int *fds = calloc(n, sizeof *fds);
    if (fds == NULL)
        return keel_error(err, ENOMEM, "idmapped mounts");
    if (mount_idmap_prepare(&x->cfg, x->bundle, userns, fds, err) < 0)
        return keel_error_wrap(err, "config.json");
    int r = sync_send_fd_list(x->sync_fd, SYNC_MOUNT_FDS, fds, n, err);
    for (size_t i = 0; i < n; i++)
        close(fds[i]);
    return r;
}

/* From the clone to the mounts: ids mapped, (the cgroup joined), GO. */
static int create_release_child(struct create_ctx *x, keel_err *err)
{
    if ((x->plan.create & CLONE_NEWUSER) && ns_write_id_maps(x->pid, &x->cfg, err) < 0)
        return -1;
    const struct oci_process *p = x->cfg.process;
    if (p->has_oomScoreAdj && proc_write_oom_score_adj(x->pid, p->oomScoreAdj, err) < 0)
        return -1;
    /* cgroups: the child joins its cgroup here, before GO, so that everything
     * it does from here on (and the cgroup namespace it makes) is inside it */
    int join[CGROUP_MAX_JOIN_FDS];
    size_t njoin = 0;
    if (container_cgroup_join(&x->cfg, x->c.id, x->pid, join, &njoin, &x->cg,
                              &x->c.st.cgroupPath, err) < 0)
        return -1;
    /* the child writes itself into the v1 hierarchies on GO (cgroup.h), first thing */
    int sent = sync_send_fds(x->sync_fd, SYNC_GO, join, njoin, err);
    for (size_t i = 0; i < njoin; i++)
        close(join[i]);
    if (sent < 0 || create_send_idmapped(x, err) < 0)
        return -1;
    if (ns_plan_join_fd(&x->plan, CLONE_NEWUSER) >= 0 && (x->plan.create & CLONE_NEWPID)) {
        char buf[32];
        if (sync_expect(x->sync_fd, SYNC_PID, buf, sizeof buf, err) < 0)
            return -1;
        x->pid = (pid_t)atoi(buf);
        while (waitpid(x->reap, NULL, 0) < 0 && errno == EINTR)
            ;
        x->reap = 0;
    }
    return 0;
}

static int create_fill_state(struct create_ctx *x, keel_err *err)
{
    struct keel_container_state *st = &x->c.st;
    char now[64];
    time_rfc3339(now, sizeof now);
    const char *root = x->cfg.root != NULL && x->cfg.root->path != NULL ? x->cfg.root->path : "rootfs";
    uint64_t start = 0;
    if (proc_start_time(x->pid, &start, NULL) < 0)
        return keel_error(err, 0, "the container process exited unexpectedly");
    st->ociVersion = strdup(x->cfg.ociVersion != NULL ? x->cfg.ociVersion : "1.3.0");
    st->id = strdup(x->c.id);
    st->pid = x->pid;
    st->has_pid = true;
    st->pidStartTime = start;
    st->has_pidStartTime = true;
    st->bundle = strdup(x->bundle);
    if (root[0] == '/')
        st->rootfs = strdup(root);
    else if (asprintf(&st->rootfs, "%s/%s", x->bundle, root) < 0)
        st->rootfs = NULL;
    st->created = strdup(now);
    st->owner = strdup("");
    if (st->ociVersion == NULL || st->id == NULL || st->bundle == NULL || st->rootfs == NULL ||
        st->created == NULL || st->owner == NULL)
        return keel_error(err, ENOMEM, "state");
    if (x->cfg.hooks != NULL) {
        st->hooks = calloc(1, sizeof *st->hooks);
        if (st->hooks == NULL || spec_copy(&spec_type_oci_hooks, st->hooks, x->cfg.hooks, err) < 0)
            return keel_error(err, ENOMEM, "state");
    }
    for (size_t i = 0; i < x->cfg.annotations_len; i++)
        if (spec_map_set(&st->annotations_keys, &st->annotations, &st->annotations_len,
                         x->cfg.annotations_keys[i], x->cfg.annotations[i]) < 0)
            return keel_error(err, ENOMEM, "state");
    return 0;
}

/* prestart (deprecated, same moment) and createRuntime, in keel's namespaces. */
static int create_runtime_hooks(struct create_ctx *x, keel_err *err)
{
    cleanup_free char *state = container_state_json(&x->c, STATUS_CREATING, false, err);
    if (state == NULL)
        return -1;
    x->hooks_begun = true;
    const struct oci_hooks *h = x->cfg.hooks;
    if (h != NULL && (hooks_run(h->prestart, h->prestart_len, "prestart", state, err) < 0 ||
                      hooks_run(h->createRuntime, h->createRuntime_len, "createRuntime", state, err) < 0))
        return -1;
    return sync_send(x->sync_fd, SYNC_HOOKS_DONE, state, strlen(state), err);
}

static int create_copy_config(struct create_ctx *x, keel_err *err)
{
    char src[4200];
    snprintf(src, sizeof src, "%s/config.json", x->bundle);
    cleanup_close int in = open(src, O_RDONLY | O_CLOEXEC);
    cleanup_close int out = openat(x->c.dirfd, CONFIG_COPY, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    struct stat st;
    if (in < 0 || out < 0 || fstat(in, &st) < 0)
        return keel_syserror(err, "copy config.json to the state directory");
    for (off_t left = st.st_size; left > 0;) {
        ssize_t n = sendfile(out, in, NULL, (size_t)left);
        if (n <= 0)
            return keel_syserror(err, "copy config.json to the state directory");
        left -= n;
    }
    return 0;
}

static int create_run(struct create_ctx *x, keel_err *err)
{
    char buf[sizeof err->msg];
    if (create_read_config(x, err) < 0)
        return -1;
    if (container_new(x->o->root, x->o->id, &x->c, err) < 0)
        return -1;
    /* first: a create killed from here on leaves the config, from which
     * `delete -f` finds the cgroup to remove (container_delete.c) */
    if (create_copy_config(x, err) < 0)
        return -1;
    if (mkfifoat(x->c.dirfd, EXEC_FIFO, 0600) < 0)
        return keel_syserror(err, "mkfifo %s/%s", x->c.dir, EXEC_FIFO);
    x->fifo_fd = openat(x->c.dirfd, EXEC_FIFO, O_RDWR | O_CLOEXEC);
    if (x->fifo_fd < 0)
        return keel_syserror(err, "open %s/%s", x->c.dir, EXEC_FIFO);
    x->exec_err_fd = openat(x->c.dirfd, EXEC_ERROR, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (x->exec_err_fd < 0)
        return keel_syserror(err, "create %s/%s", x->c.dir, EXEC_ERROR);
    if (!ns_plan_has(&x->plan, CLONE_NEWNS) &&
        (x->bound_rootfs = rootfs_bind_in_place(&x->cfg, x->bundle, err)) == NULL)
        return -1;
    /* the cgroup2 directory first, for the init to be cloned into */
    if (create_terminal(x, err) < 0 || container_cgroup_begin(&x->cfg, x->c.id, &x->cg, err) < 0 ||
        create_clone(x, err) < 0)
        return -1;
    close(x->fifo_fd);
    x->fifo_fd = -1;
    close(x->exec_err_fd);
    x->exec_err_fd = -1;
    if (create_release_child(x, err) < 0)
        return -1;
    if (create_hooks_sync(&x->cfg)) {
        if (sync_expect(x->sync_fd, SYNC_MOUNTED, buf, sizeof buf, err) < 0 ||
            netdev_move_all(&x->cfg, x->pid, err) < 0 || create_fill_state(x, err) < 0 ||
            create_runtime_hooks(x, err) < 0)
            return -1;
    } else {
        /* while the init mounts and pivots */
        if (create_fill_state(x, err) < 0)
            return -1;
        x->hooks_begun = true;
    }
    /* the init makes its pty after pivot_root, before its process setup */
    if (x->cfg.process->terminal && (x->master = sync_expect_fd(x->sync_fd, SYNC_PTY, err)) < 0)
        return -1;
    if (create_wait_ready(x, err) < 0)
        return -1;
    if (setup_hand_over(x->o->console_socket, x->master, x->o->pidfd_socket, x->pid, err) < 0)
        return -1;
    /* the init waits for SYNC_SAVED and leaves if keel dies before: a
     * container either is in state.json or has no process */
    if (container_save(&x->c, err) < 0 || sync_send(x->sync_fd, SYNC_SAVED, NULL, 0, err) < 0 ||
        setup_pid_file(x->o->pid_file, x->pid, err) < 0)
        return -1;
    log_debug("create %s: created, init %d waits on %s/%s", x->c.id, (int)x->pid, x->c.dir, EXEC_FIFO);
    return 0;
}

/* Undoes a failed create: the init (and with it its namespaces and mounts),
 * then the poststop hooks if the hooks had begun, and the state directory. */
static void create_undo(struct create_ctx *x)
{
    setup_kill(x->pid, x->reap);
    if (x->cg != NULL) {
        keel_err ignored;
        cgroup_destroy(x->cg, true, &ignored); /* create's own error is the one to report */
    }
    if (x->bound_rootfs != NULL)
        rootfs_detach(x->bound_rootfs);
    const struct oci_hooks *h = x->cfg.hooks;
    if (x->hooks_begun && h != NULL && h->poststop_len > 0) {
        keel_err ignored;
        cleanup_free char *state = container_state_json(&x->c, STATUS_STOPPED, false, &ignored);
        if (state != NULL)
            hooks_run_warn(h->poststop, h->poststop_len, "poststop", state);
    }
    if (x->c.dirfd >= 0) {
        keel_err ignored;
        container_remove(&x->c, &ignored);
    }
}

/* What a create holds, released whether it succeeded or was undone. */
static void create_ctx_release(struct create_ctx *x)
{
    int fds[] = {x->fifo_fd, x->exec_err_fd, x->sync_fd, x->master, x->seccomp_sock[0],
                 x->seccomp_sock[1]};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    keel_seccomp_release(&x->seccomp);
    ns_plan_close(&x->plan);
    free(x->bound_rootfs);
    cgroup_free(x->cg);
    container_close(&x->c);
    spec_release(&spec_type_oci_config, &x->cfg);
    free(x->bundle);
}

int container_create(const struct create_opts *o, struct created *out, keel_err *err)
{
    __attribute__((cleanup(create_ctx_release))) struct create_ctx x = {
        .o = o, .fifo_fd = -1, .exec_err_fd = -1, .sync_fd = -1, .master = -1,
        .seccomp_sock = {-1, -1}, .c = CONTAINER_INIT};
    if (create_run(&x, err) < 0) {
        create_undo(&x);
        return keel_error_wrap(err, "create %s", o->id);
    }
    if (out != NULL) {
        out->pid = x.pid;
        out->master = o->foreground && o->console_socket == NULL ? steal_fd(x.master) : -1;
    }
    return 0;
}
