/* keel/fsutil.h: whole writes and bounded whole reads. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "keel/fsutil.h"

static int temp_file(const char *content)
{
    char path[] = "/tmp/keel-fsutil-test-XXXXXX";
    int fd = mkostemp(path, O_CLOEXEC);
    cr_assert_geq(fd, 0);
    unlink(path);
    cr_assert_eq(write_all(fd, content, strlen(content)), 0);
    cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

Test(fsutil, write_then_read_back)
{
    cleanup_close int fd = temp_file("hello, keel");
    cleanup_free char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(read_fd_all(fd, 11, 100, &buf, &len), 0);
    cr_assert_eq(len, 11);
    cr_assert_str_eq(buf, "hello, keel");
}

Test(fsutil, small_hint_grows)
{
    char content[5000];
    memset(content, 'x', sizeof content - 1);
    content[sizeof content - 1] = '\0';
    cleanup_close int fd = temp_file(content);
    cleanup_free char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(read_fd_all(fd, 0, 1 << 20, &buf, &len), 0);
    cr_assert_eq(len, sizeof content - 1);
    cr_assert_str_eq(buf, content);
}

Test(fsutil, over_max_is_efbig)
{
    cleanup_close int fd = temp_file("0123456789");
    char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(read_fd_all(fd, 4, 9, &buf, &len), -1);
    cr_assert_eq(errno, EFBIG);
    cr_assert_null(buf);
}

Test(fsutil, exactly_max_is_fine)
{
    cleanup_close int fd = temp_file("0123456789");
    cleanup_free char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(read_fd_all(fd, 10, 10, &buf, &len), 0);
    cr_assert_eq(len, 10);
}

Test(fsutil, write_all_to_a_closed_pipe_fails)
{
    int p[2];
    cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    cr_assert_eq(write_all(p[1], "x", 1), -1);
    cr_assert_eq(errno, EPIPE);
    close(p[1]);
}
