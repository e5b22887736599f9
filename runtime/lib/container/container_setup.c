/* The shared steps of create and exec (container_setup.h). */
#include "container_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clone_into.h"
#include "keel/cleanup.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

int setup_sync_pair(int sv[2], keel_err *err)
{
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return keel_syserror(err, "socketpair");
    return 0;
}

int setup_seccomp(const struct oci_config *cfg, const char *root, struct keel_seccomp *sc,
                  bool *has, int sock[2], keel_err *err)
{
    const struct oci_seccomp *s = cfg->linux != NULL ? cfg->linux->seccomp : NULL;
    char cache[4200];

    *has = false;
    if (s == NULL)
        return 0;
    snprintf(cache, sizeof cache, "%s/" KEEL_SECCOMP_CACHE_DIR, root);
    if (keel_seccomp_compile_cached(s, cache, sc, err) < 0)
        return keel_error_wrap(err, "config.json");
    *has = true;
    if (sc->notify && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) < 0)
        return keel_syserror(err, "socketpair");
    return 0;
}

pid_t setup_clone(int flags, struct cgroup *cg, keel_err *err)
{
    bool into = false;
    pid_t pid = clone_into_cgroup(flags, cg != NULL ? cgroup_unified_fd(cg) : -1, &into);

    if (pid < 0)
        return keel_syserror(err, "clone the container process");
    if (into)
        cgroup_set_unified_joined(cg);
    return pid;
}

int setup_forward_listener(const struct container *c, enum container_status status,
                           const struct keel_seccomp *sc, int sock, pid_t pid, keel_err *err)
{
    struct oci_state state;
    if (container_oci_state(c, status, &state, err) < 0)
        return -1;
    int r = keel_seccomp_forward_listener(sc, sock, pid, &state, err);
    spec_release(&spec_type_oci_state, &state);
    return r;
}

int setup_hand_over(const char *console_socket, int master, const char *pidfd_socket, pid_t pid,
                    keel_err *err)
{
    if (master >= 0 && console_socket != NULL && terminal_send_master(console_socket, master, err) < 0)
        return -1;
    return pidfd_socket_send(pidfd_socket, pid, err);
}

int setup_pid_file(const char *pid_file, pid_t pid, keel_err *err)
{
    if (pid_file == NULL)
        return 0;
    cleanup_free char *path = path_absolute(pid_file, err);
    if (path == NULL)
        return -1;
    char *slash = strrchr(path, '/');
    *slash = '\0';
    cleanup_close int dirfd = open(slash == path ? "/" : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return keel_syserror(err, "--pid-file %s", pid_file);
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d", (int)pid);
    return write_file_atomic(dirfd, slash + 1, buf, (size_t)n, 0644, err);
}

void setup_kill(pid_t pid, pid_t reap)
{
    if (pid > 0 && pid != reap)
        kill(pid, SIGKILL);
    kill_and_reap(&reap);
    if (pid != reap && pid > 0) {
        /* a process left behind by an intermediate is not our child */
        for (int i = 0; i < 1000 && kill(pid, 0) == 0; i++)
            usleep(1000);
    }
}
