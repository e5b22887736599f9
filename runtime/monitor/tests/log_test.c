/* container.log written by the log writer and read back by `logs`' parts:
 * docker's split into lines, partial lines kept partial, times parsed. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "keel/fsutil.h"
#include "log_writer.h"
#include "logs.h"

static char dir[] = "/tmp/monitor-log-XXXXXX";

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char path[64];
    snprintf(path, sizeof path, "%s/container.log", dir);
    unlink(path);
    rmdir(dir);
}

static char *log_text(void)
{
    char path[64];
    char *buf;
    size_t len;
    keel_err err;
    snprintf(path, sizeof path, "%s/container.log", dir);
    cr_assert_eq(read_file(path, 1 << 20, &buf, &len, &err), 0, "%s", err.msg);
    return buf;
}

Test(log_writer, one_entry_per_line_and_the_partial_rest, .init = setup, .fini = teardown)
{
    int dirfd = open(dir, O_DIRECTORY | O_RDONLY);
    struct log_writer l;
    keel_err err;
    cr_assert_eq(log_writer_open(&l, dirfd, "container.log", &err), 0, "%s", err.msg);
    cr_assert_eq(log_writer_chunk(&l, "stdout", "T1", "a\nb\nc", 5, &err), 0);
    cr_assert_eq(log_writer_chunk(&l, "stderr", "T2", "\t\"\\\x01", 4, &err), 0);
    log_writer_close(&l);
    close(dirfd);
    cleanup_free char *text = log_text();
    cr_assert_str_eq(text,
                     "{\"log\":\"a\\n\",\"stream\":\"stdout\",\"time\":\"T1\"}\n"
                     "{\"log\":\"b\\n\",\"stream\":\"stdout\",\"time\":\"T1\"}\n"
                     "{\"log\":\"c\",\"stream\":\"stdout\",\"time\":\"T1\"}\n"
                     "{\"log\":\"\\t\\\"\\\\\\u0001\",\"stream\":\"stderr\",\"time\":\"T2\"}\n");
}

Test(logs_time, parses_docker_forms)
{
    struct timespec now = {.tv_sec = 1800000000, .tv_nsec = 500000000}, t;
    keel_err err;
    cr_assert_eq(logs_time_parse("2026-12-06T11:00:00.25Z", &now, &t, &err), 0);
    cr_assert_eq(t.tv_sec, 1796554800);
    cr_assert_eq(t.tv_nsec, 250000000);
    cr_assert_eq(logs_time_parse("2026-12-06T12:00:00+01:00", &now, &t, &err), 0);
    cr_assert_eq(t.tv_sec, 1796554800);
    cr_assert_eq(logs_time_parse("1700000000.5", &now, &t, &err), 0);
    cr_assert_eq(t.tv_sec, 1700000000);
    cr_assert_eq(t.tv_nsec, 500000000);
    cr_assert_eq(logs_time_parse("1h30m", &now, &t, &err), 0);
    cr_assert_eq(t.tv_sec, 1800000000 - 5400);
    cr_assert_eq(t.tv_nsec, 500000000);
    cr_assert_eq(logs_time_parse("1.5s", &now, &t, &err), 0);
    cr_assert_eq(t.tv_sec, 1799999999);
    cr_assert_eq(t.tv_nsec, 0);
}

Test(logs_time, refuses_what_is_no_time)
{
    struct timespec now = {0}, t;
    keel_err err;
    cr_assert_eq(logs_time_parse("yesterday", &now, &t, &err), -1);
    cr_assert_eq(logs_time_parse("10x", &now, &t, &err), -1);
    cr_assert_eq(logs_time_parse("2026-13", &now, &t, &err), -1);
}
