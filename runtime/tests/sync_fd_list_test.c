/* sync.c's fd lists: more fds than one message carries (the idmapped mounts
 * keel passes to the init), and a count that does not match. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sync.h"

#define N (SYNC_MAX_FDS + 5)

Test(sync_fd_list, fd_list_spans_messages)
{
    int sv[2], sent[N], got[N];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    for (int i = 0; i < N; i++)
        cr_assert_geq(sent[i] = open(i % 2 ? "/dev/null" : "/", O_RDONLY | O_CLOEXEC), 0);
    keel_err err;
    cr_assert_eq(sync_send_fd_list(sv[0], SYNC_MOUNT_FDS, sent, N, &err), 0, "%s", err.msg);
    cr_assert_eq(sync_expect_fd_list(sv[1], SYNC_MOUNT_FDS, got, N, &err), 0, "%s", err.msg);
    for (int i = 0; i < N; i++) {
        struct stat a, b;
        cr_assert(fstat(sent[i], &a) == 0 && fstat(got[i], &b) == 0);
        cr_assert(a.st_ino == b.st_ino && a.st_dev == b.st_dev, "fd %d is another file", i);
        cr_assert(fcntl(got[i], F_GETFD) & FD_CLOEXEC);
        close(sent[i]);
        close(got[i]);
    }
    close(sv[0]);
    close(sv[1]);
}

Test(sync_fd_list, fd_list_more_than_expected_fails)
{
    int sv[2], fds[3], got[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    for (int i = 0; i < 3; i++)
        fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
    keel_err err;
    cr_assert_eq(sync_send_fd_list(sv[0], SYNC_MOUNT_FDS, fds, 3, &err), 0);
    cr_assert_lt(sync_expect_fd_list(sv[1], SYNC_MOUNT_FDS, got, 2, &err), 0);
    cr_assert(strstr(err.msg, "3 fds, 2 expected") != NULL, "%s", err.msg);
    /* an error from the other side is this side's error */
    sync_send_error(sv[0], &(keel_err){.msg = "mounts[2]: open_tree /x: No such file"});
    cr_assert_lt(sync_expect_fd_list(sv[1], SYNC_MOUNT_FDS, got, 2, &err), 0);
    cr_assert_str_eq(err.msg, "mounts[2]: open_tree /x: No such file");
    for (int i = 0; i < 3; i++)
        close(fds[i]);
    close(sv[0]);
    close(sv[1]);
}
