/* `logs`: container.log read back, each entry's bytes to stdout or stderr as
 * the container wrote them, with docker's --tail, -t, --since, --until and
 * -f (inotify on the log until the monitor exits). */
#ifndef KEEL_MONITOR_LOGS_H
#define KEEL_MONITOR_LOGS_H

#include <stdbool.h>
#include <time.h>

#include "keel/error.h"

struct logs_opts {
    bool follow, timestamps;
    long tail; /* -1: all */
    bool has_since, has_until;
    struct timespec since, until;
};

/* docker's forms: RFC 3339 (with or without fraction and zone; a date; no
 * zone is local time), a Unix time ("1700000000.5"), or a Go duration
 * before `now` ("10m", "1h30m", "1.5s"). */
int logs_time_parse(const char *s, const struct timespec *now, struct timespec *out,
                    keel_err *err);

int logs_run(const char *dir, const struct logs_opts *o, keel_err *err);

#endif
