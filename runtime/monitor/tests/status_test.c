/* CDIR/status written and read back. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "status.h"

Test(status, fresh_status_has_docker_zero_times)
{
    struct monitor_status s;
    char buf[512];
    status_init(&s);
    status_format(&s, buf, sizeof buf);
    cr_assert_str_eq(buf, "state=created\npid=0\nexit_code=0\noom_killed=false\n"
                     "started_at=0001-01-01T00:00:00Z\nfinished_at=0001-01-01T00:00:00Z\n"
                     "restart_count=0\nstopped_by_user=false\n");
}

Test(status, round_trips_through_the_file)
{
    char dir[] = "/tmp/monitor-status-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    int dirfd = open(dir, O_DIRECTORY | O_RDONLY);
    struct monitor_status s, back;
    keel_err err;
    status_init(&s);
    s.state = CSTATE_EXITED;
    s.exit_code = 137;
    s.oom_killed = true;
    s.restart_count = 4;
    s.stopped_by_user = true;
    strcpy(s.finished_at, "2026-12-06T11:00:00.123456789Z");
    cr_assert_eq(status_write(dirfd, &s, &err), 0, "%s", err.msg);
    cr_assert_eq(status_read(dir, &back, &err), 0, "%s", err.msg);
    cr_assert_eq(memcmp(&s, &back, sizeof s), 0);
    char path[64];
    snprintf(path, sizeof path, "%s/status", dir);
    unlink(path);
    close(dirfd);
    rmdir(dir);
}

Test(status, names_a_bad_value)
{
    struct monitor_status s;
    keel_err err;
    cr_assert_eq(status_parse("state=running\npid=x\n", &s, &err), -1);
    cr_assert_str_eq(err.msg, "status: bad value for pid: 'x'");
    cr_assert_eq(status_parse("state=sleeping\n", &s, &err), -1);
    cr_assert_eq(status_parse("garbage\n", &s, &err), -1);
    /* keys a later monitor may add are skipped */
    cr_assert_eq(status_parse("state=exited\nhealth=ok\nexit_code=3\n", &s, &err), 0);
    cr_assert_eq(s.exit_code, 3);
}
