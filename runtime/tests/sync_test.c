/* The sync channel (sync.h): create's and exec's message sequences driven over a
 * socketpair, a message out of order, errors whole (not cut to the payload the
 * receiver expected) and with their errno, EOF. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sync.h"

static void long_error(keel_err *e)
{
    memset(e->msg, 'x', 600);
    strcpy(e->msg + 600, ": no such file or directory");
    e->errnum = ENOENT;
}

Test(sync, error_arrives_whole_with_its_errno)
{
    int sv[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    keel_err sent, got = {0};
    long_error(&sent);
    sync_send_error(sv[1], &sent);
    char small[64];
    cr_assert_eq(sync_expect(sv[0], SYNC_READY, small, sizeof small, &got), -1);
    cr_assert_str_eq(got.msg, sent.msg);
    cr_assert_eq(got.errnum, ENOENT);
    sync_send_error(sv[1], &sent);
    cr_assert_eq(sync_expect_fd(sv[0], SYNC_PTY, &got), -1);
    cr_assert_str_eq(got.msg, sent.msg);
    cr_assert_eq(got.errnum, ENOENT);
    close(sv[0]);
    close(sv[1]);
}

Test(sync, short_payloads_still_arrive)
{
    int sv[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    keel_err err = {0};
    char buf[32];
    cr_assert_eq(sync_send(sv[1], SYNC_PID, "1234", 4, &err), 0);
    cr_assert_eq(sync_expect(sv[0], SYNC_PID, buf, sizeof buf, &err), 4, "%s", err.msg);
    cr_assert_str_eq(buf, "1234");
    char big[100];
    memset(big, 'y', sizeof big);
    cr_assert_eq(sync_send(sv[1], SYNC_PID, big, sizeof big, &err), 0);
    cr_assert_eq(sync_expect(sv[0], SYNC_PID, buf, sizeof buf, &err), -1);
    cr_assert_eq(err.errnum, EMSGSIZE);
    close(sv[0]);
    close(sv[1]);
}

static void pair(int sv[2])
{
    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

/* Whether fd is open (and close-on-exec, as every fd that crosses must be). */
static bool open_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    return flags >= 0 && (flags & FD_CLOEXEC);
}

/* create's order as sync.h draws it, keel on sv[0], the init on sv[1]. */
Test(sync, create_sequence)
{
    int sv[2], fds[SYNC_MAX_FDS], devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    size_t n = 0;
    keel_err err = {0};
    char buf[64];
    pair(sv);
    cr_assert_eq(sync_send_fds(sv[0], SYNC_GO, &devnull, 1, &err), 0, "%s", err.msg);
    cr_assert_eq(sync_expect_fds(sv[1], SYNC_GO, fds, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 1);
    cr_assert(open_cloexec(fds[0]));
    close(fds[0]);
    cr_assert_eq(sync_send(sv[1], SYNC_MOUNTED, NULL, 0, &err), 0);
    cr_assert_eq(sync_expect(sv[0], SYNC_MOUNTED, buf, sizeof buf, &err), 0, "%s", err.msg);
    cr_assert_eq(sync_send(sv[0], SYNC_HOOKS_DONE, "{\"id\":\"c\"}", 10, &err), 0);
    cr_assert_eq(sync_expect(sv[1], SYNC_HOOKS_DONE, buf, sizeof buf, &err), 10, "%s", err.msg);
    cr_assert_str_eq(buf, "{\"id\":\"c\"}");
    cr_assert_eq(sync_send_fd(sv[1], SYNC_PTY, devnull, &err), 0);
    int master = sync_expect_fd(sv[0], SYNC_PTY, &err);
    cr_assert_geq(master, 0, "%s", err.msg);
    cr_assert(open_cloexec(master));
    close(master);
    cr_assert_eq(sync_send(sv[1], SYNC_READY, NULL, 0, &err), 0);
    cr_assert_eq(sync_expect(sv[0], SYNC_READY, buf, sizeof buf, &err), 0, "%s", err.msg);
    cr_assert_eq(sync_send(sv[0], SYNC_SAVED, NULL, 0, &err), 0);
    cr_assert_eq(sync_expect(sv[1], SYNC_SAVED, buf, sizeof buf, &err), 0, "%s", err.msg);
    close(sv[1]);
    /* then the init execs: EOF, which a wait for one more message reports */
    cr_assert_eq(sync_expect(sv[0], SYNC_READY, buf, sizeof buf, &err), -1);
    cr_assert(strstr(err.msg, "exited unexpectedly (sync: expected READY)") != NULL, "%s", err.msg);
    close(sv[0]);
    close(devnull);
}

/* exec's: PTY and PID in either order from two processes, then EOF at the exec. */
Test(sync, exec_sequence_ends_at_eof)
{
    int sv[2], devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    keel_err err = {0};
    char buf[SYNC_ERROR_MAX];
    struct sync_msg m = {.data = buf, .cap = sizeof buf};
    pair(sv);
    cr_assert_eq(sync_send_fd(sv[1], SYNC_PTY, devnull, &err), 0);
    cr_assert_eq(sync_send(sv[1], SYNC_PID, "42", 2, &err), 0);
    close(sv[1]);
    cr_assert_eq(sync_receive(sv[0], &m, &err), 1, "%s", err.msg);
    cr_assert_eq(sync_check(&m, SYNC_PTY, &err), 0);
    cr_assert_eq(m.nfds, 1);
    cr_assert(open_cloexec(m.fds[0]));
    sync_close_fds(&m);
    cr_assert_eq(sync_receive(sv[0], &m, &err), 1, "%s", err.msg);
    cr_assert_eq(sync_check(&m, SYNC_PID, &err), 0);
    cr_assert_str_eq(buf, "42");
    cr_assert_eq(sync_receive(sv[0], &m, &err), 0, "EOF is not an error for exec");
    close(sv[0]);
    close(devnull);
}

/* A message out of order names both, and its fds do not leak. */
Test(sync, unexpected_message_is_named)
{
    int sv[2], devnull = open("/dev/null", O_RDONLY | O_CLOEXEC), fds[SYNC_MAX_FDS];
    size_t n = 0;
    keel_err err = {0};
    char buf[64];
    pair(sv);
    cr_assert_eq(sync_send(sv[1], SYNC_PTY, NULL, 0, &err), 0);
    cr_assert_eq(sync_expect(sv[0], SYNC_READY, buf, sizeof buf, &err), -1);
    cr_assert_str_eq(err.msg, "sync: expected READY, got PTY");
    cr_assert_eq(sync_send_fd(sv[1], SYNC_MOUNT_FDS, devnull, &err), 0);
    cr_assert_eq(sync_expect_fds(sv[0], SYNC_GO, fds, &n, &err), -1);
    cr_assert_str_eq(err.msg, "sync: expected GO, got MOUNT_FDS");
    cr_assert_eq(n, 0);
    cr_assert_eq(sync_send(sv[1], 99, NULL, 0, &err), 0);
    cr_assert_eq(sync_expect(sv[0], SYNC_PID, buf, sizeof buf, &err), -1);
    cr_assert_str_eq(err.msg, "sync: expected PID, got message 99");
    close(sv[0]);
    close(sv[1]);
    close(devnull);
}

/* exec's helper failing after the process sent its pty: the error, errno and
 * all, is what keel gets in place of the PID. */
Test(sync, exec_error_carries_errno)
{
    int sv[2], devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    keel_err sent = {.errnum = EACCES}, err = {0};
    char buf[SYNC_ERROR_MAX];
    struct sync_msg m = {.data = buf, .cap = sizeof buf};
    pair(sv);
    strcpy(sent.msg, "exec: \"/x\": permission denied");
    cr_assert_eq(sync_send_fd(sv[1], SYNC_PTY, devnull, &err), 0);
    sync_send_error(sv[1], &sent);
    cr_assert_eq(sync_receive(sv[0], &m, &err), 1);
    sync_close_fds(&m);
    cr_assert_eq(sync_receive(sv[0], &m, &err), 1);
    cr_assert_eq(sync_check(&m, SYNC_PID, &err), -1);
    cr_assert_str_eq(err.msg, sent.msg);
    cr_assert_eq(err.errnum, EACCES);
    close(sv[0]);
    close(sv[1]);
    close(devnull);
}
