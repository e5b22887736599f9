/* The create channel's error messages: whole (not cut to the payload the receiver
 * expected) and with their errno. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
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
