/* CDIR/status written and read back (status.h). */
#include "status.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keel/cleanup.h"
#include "util.h"

static const char *const state_names[] = {
    [CSTATE_CREATED] = "created", [CSTATE_RUNNING] = "running",
    [CSTATE_RESTARTING] = "restarting", [CSTATE_EXITED] = "exited",
};

const char *container_state_name(enum container_state st)
{
    return state_names[st];
}

void status_init(struct monitor_status *s)
{
    *s = (struct monitor_status){.state = CSTATE_CREATED};
    snprintf(s->started_at, sizeof s->started_at, "%s", STATUS_TIME_ZERO);
    snprintf(s->finished_at, sizeof s->finished_at, "%s", STATUS_TIME_ZERO);
}

static const char *yes_no(bool b)
{
    return b ? "true" : "false";
}

size_t status_format(const struct monitor_status *s, char *buf, size_t len)
{
    int n = snprintf(buf, len,
                     "state=%s\npid=%d\nexit_code=%d\noom_killed=%s\nstarted_at=%s\n"
                     "finished_at=%s\nrestart_count=%u\nstopped_by_user=%s\n",
                     state_names[s->state], (int)s->pid, s->exit_code, yes_no(s->oom_killed),
                     s->started_at, s->finished_at, s->restart_count, yes_no(s->stopped_by_user));
    return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

static int parse_bool(const char *v, bool *out)
{
    if (strcmp(v, "true") == 0)
        *out = true;
    else if (strcmp(v, "false") == 0)
        *out = false;
    else
        return -1;
    return 0;
}

static int parse_long(const char *v, long min, long max, long *out)
{
    char *end;
    errno = 0;
    *out = strtol(v, &end, 10);
    return *v == '\0' || *end != '\0' || errno != 0 || *out < min || *out > max ? -1 : 0;
}

static int parse_line(char *key, const char *v, struct monitor_status *s)
{
    long n;
    if (strcmp(key, "state") == 0) {
        for (size_t i = 0; i < sizeof state_names / sizeof state_names[0]; i++)
            if (strcmp(v, state_names[i]) == 0) {
                s->state = (enum container_state)i;
                return 0;
            }
        return -1;
    }
    if (strcmp(key, "pid") == 0 || strcmp(key, "exit_code") == 0 ||
        strcmp(key, "restart_count") == 0) {
        if (parse_long(v, key[0] == 'e' ? -255 : 0, INT32_MAX, &n) < 0)
            return -1;
        if (key[0] == 'p')
            s->pid = (pid_t)n;
        else if (key[0] == 'e')
            s->exit_code = (int)n;
        else
            s->restart_count = (unsigned)n;
        return 0;
    }
    if (strcmp(key, "oom_killed") == 0)
        return parse_bool(v, &s->oom_killed);
    if (strcmp(key, "stopped_by_user") == 0)
        return parse_bool(v, &s->stopped_by_user);
    char *dst = strcmp(key, "started_at") == 0 ? s->started_at
              : strcmp(key, "finished_at") == 0 ? s->finished_at : NULL;
    if (dst != NULL && strlen(v) < sizeof s->started_at)
        strcpy(dst, v);
    return dst != NULL && strlen(v) >= sizeof s->started_at ? -1 : 0;
}

int status_parse(const char *text, struct monitor_status *s, keel_err *err)
{
    status_init(s);
    cleanup_free char *copy = strdup(text);
    if (copy == NULL)
        return keel_error(err, ENOMEM, "status");
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        if (eq == NULL)
            return keel_error(err, 0, "status: line '%s' is not key=value", line);
        *eq = '\0';
        if (parse_line(line, eq + 1, s) < 0)
            return keel_error(err, 0, "status: bad value for %s: '%s'", line, eq + 1);
    }
    return 0;
}

int status_write(int dirfd, const struct monitor_status *s, keel_err *err)
{
    char buf[512];
    size_t n = status_format(s, buf, sizeof buf);
    return write_file_atomic(dirfd, "status", buf, n, 0644, err);
}

int status_read(const char *dir, struct monitor_status *s, keel_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/status", dir);
    cleanup_free char *buf = NULL;
    size_t len;
    if (read_file(path, 4096, &buf, &len, err) < 0)
        return -1;
    return status_parse(buf, s, err) < 0 ? keel_error_wrap(err, "%s", path) : 0;
}
