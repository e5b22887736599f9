/* Joining v1 cgroups from inside the process (the `tasks` files keel opens
 * and passes with GO), and the sync messages that carry fds. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "sync.h"

Test(sync_fds, several_and_none)
{
    keel_err err;
    int sv[2], pipes[3][2], got[SYNC_MAX_FDS];
    int sent[3];
    size_t n = 99;

    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(pipe2(pipes[i], O_CLOEXEC), 0);
        sent[i] = pipes[i][1];
    }
    cr_assert_eq(sync_send_fds(sv[0], SYNC_GO, sent, 3, &err), 0, "%s", err.msg);
    cr_assert_eq(sync_expect_fds(sv[1], SYNC_GO, got, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 3);
    for (int i = 0; i < 3; i++) {
        char c = 0;
        cr_assert_eq(fcntl(got[i], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
        cr_assert_eq(write(got[i], "x", 1), 1); /* the same pipe, in order */
        cr_assert_eq(read(pipes[i][0], &c, 1), 1);
        cr_assert_eq(c, 'x');
        close(got[i]);
        close(pipes[i][0]);
        close(pipes[i][1]);
    }
    cr_assert_eq(sync_send_fds(sv[0], SYNC_GO, NULL, 0, &err), 0, "%s", err.msg);
    cr_assert_eq(sync_expect_fds(sv[1], SYNC_GO, got, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 0);
    /* the wrong message is refused, and its fds are not left open */
    cr_assert_eq(sync_send_fds(sv[0], SYNC_READY, sent, 0, &err), 0, "%s", err.msg);
    cr_assert_eq(sync_expect_fds(sv[1], SYNC_GO, got, &n, &err), -1);
    cr_assert_eq(n, 0);
    close(sv[0]);
    close(sv[1]);
}

static bool in_cgroup(pid_t pid, const char *ctl, const char *path)
{
    char p[64], line[512], want[256];
    bool found = false;
    snprintf(p, sizeof p, "/proc/%d/cgroup", (int)pid);
    snprintf(want, sizeof want, ":%s:%s\n", ctl, path);
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f);
    while (fgets(line, sizeof line, f) != NULL)
        found = found || strstr(line, want) != NULL;
    fclose(f);
    return found;
}

Test(cgroup_self_join, child_joins_with_the_fds_keel_opened)
{
    enum cgroup_mode mode;
    keel_err err;
    char parent[64], path[96];
    int fds[CGROUP_MAX_JOIN_FDS], joined[2];
    size_t n = 0;

    if (geteuid() != 0)
        cr_skip_test("needs root");
    if (cgroup_detect_mode(CGROUP_DEFAULT_ROOT, &mode, &err) < 0 || mode == CGROUP_V2)
        cr_skip_test("needs v1 or hybrid cgroups");
    snprintf(parent, sizeof parent, "/keel-test-selfjoin-%d", (int)getpid());
    snprintf(path, sizeof path, "%s/c1", parent);
    struct cgroup *cg = cgroup_create(CGROUP_DEFAULT_ROOT, path, &err);
    cr_assert_not_null(cg, "%s", err.msg);
    cr_assert_eq(cgroup_apply(cg, NULL, &err), 0, "%s", err.msg);

    int sv[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    cr_assert_eq(pipe2(joined, O_CLOEXEC), 0);
    /* as in create: the child exists first and gets the fds with GO */
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        keel_err e;
        int got[SYNC_MAX_FDS];
        size_t k = 0;
        if (sync_expect_fds(sv[1], SYNC_GO, got, &k, &e) < 0)
            _exit(2);
        int r = cgroup_join_self(got, k, &e);
        if (write(joined[1], r == 0 ? "y" : "n", 1) != 1)
            _exit(3);
        pause();
        _exit(0);
    }
    cr_assert_eq(cgroup_add_pid_deferred(cg, child, fds, &n, &err), 0, "%s", err.msg);
    cr_assert_gt(n, 0);
    cr_assert(!in_cgroup(child, "memory", path), "joined before the child wrote");
    cr_assert_eq(sync_send_fds(sv[0], SYNC_GO, fds, n, &err), 0, "%s", err.msg);
    for (size_t i = 0; i < n; i++)
        close(fds[i]);
    char c = 0;
    cr_assert_eq(read(joined[0], &c, 1), 1);
    cr_assert_eq(c, 'y');
    cr_assert(in_cgroup(child, "memory", path));
    cr_assert(in_cgroup(child, "pids", path));
    cr_assert(in_cgroup(child, "freezer", path));
    pid_t *pids = NULL;
    size_t np = 0;
    cr_assert_eq(cgroup_pids(cg, &pids, &np, &err), 0, "%s", err.msg);
    cr_assert_eq(np, 1);
    cr_assert_eq(pids[0], child);
    free(pids);

    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    cr_assert_eq(cgroup_destroy(cg, true, &err), 0, "%s", err.msg);
    cgroup_free(cg);
    static const char *const hier[] = {"cpuset", "cpu", "cpuacct", "memory", "pids", "blkio",
                                       "devices", "freezer", "systemd", "unified",
                                       "hugetlb", "net_cls", "net_prio", "rdma"};
    for (size_t i = 0; i < sizeof hier / sizeof hier[0]; i++) {
        char dir[256];
        snprintf(dir, sizeof dir, "/sys/fs/cgroup/%s%s", hier[i], parent);
        rmdir(dir);
    }
    close(sv[0]);
    close(sv[1]);
    close(joined[0]);
    close(joined[1]);
}
