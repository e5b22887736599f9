/* keel/fsutil.h: whole writes and bounded whole reads. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

Test(read_file, reads_a_regular_file_and_names_what_it_refuses)
{
    char dir[] = "/tmp/keel-fsutil-rf-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[64], fifo[64], missing[64];
    snprintf(path, sizeof path, "%s/doc", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(missing, sizeof missing, "%s/none", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write_all(fd, "hello", 5), 0);
    close(fd);
    cr_assert_eq(mkfifo(fifo, 0600), 0);

    keel_err err = {0};
    char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(read_file(path, 64, &buf, &len, &err), 0, "%s", err.msg);
    cr_assert_eq(len, 5);
    cr_assert_str_eq(buf, "hello");
    free(buf);
    buf = NULL;

    char want[128];
    cr_assert_eq(read_file(path, 4, &buf, &len, &err), -1);
    snprintf(want, sizeof want, "%s: larger than 4 bytes", path);
    cr_assert_str_eq(err.msg, want);
    /* a fifo planted at the path is refused without blocking on it */
    cr_assert_eq(read_file(fifo, 64, &buf, &len, &err), -1);
    snprintf(want, sizeof want, "%s: not a regular file", fifo);
    cr_assert_str_eq(err.msg, want);
    cr_assert_eq(read_file(missing, 64, &buf, &len, &err), -1);
    snprintf(want, sizeof want, "open %s: No such file or directory", missing);
    cr_assert_str_eq(err.msg, want);
    cr_assert_null(buf);

    unlink(path);
    unlink(fifo);
    rmdir(dir);
}
