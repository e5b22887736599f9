/* CDIR/status: the container's state as the monitor records it, key=value
 * lines that keel-docker's `ps` reads without asking anyone. The monitor is
 * the only writer (temp + rename). */
#ifndef KEEL_MONITOR_STATUS_H
#define KEEL_MONITOR_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "keel/error.h"

enum container_state { CSTATE_CREATED, CSTATE_RUNNING, CSTATE_RESTARTING, CSTATE_EXITED };

#define STATUS_TIME_ZERO "0001-01-01T00:00:00Z"

struct monitor_status {
    enum container_state state;
    pid_t pid;
    int exit_code;
    bool oom_killed;
    char started_at[40];
    char finished_at[40];
    unsigned restart_count;
    bool stopped_by_user;
};

void status_init(struct monitor_status *s);
/* The file's text; returns its length (the buffer holds at least 512 bytes). */
size_t status_format(const struct monitor_status *s, char *buf, size_t len);
/* Reads the text back; unknown keys are skipped, a bad value is an error. */
int status_parse(const char *text, struct monitor_status *s, keel_err *err);

int status_write(int dirfd, const struct monitor_status *s, keel_err *err);
int status_read(const char *dir, struct monitor_status *s, keel_err *err);

const char *container_state_name(enum container_state st);

#endif
