/* Restart policies as docker names them, and docker's back-off between
 * restarts: 100 ms doubling up to a minute, back to 100 ms once the container
 * ran for 10 s. Pure logic, unit-tested. */
#ifndef KEEL_MONITOR_RESTART_H
#define KEEL_MONITOR_RESTART_H

#include <stdbool.h>
#include <stdint.h>

#include "keel/error.h"

enum restart_mode { RESTART_NO, RESTART_ALWAYS, RESTART_ON_FAILURE, RESTART_UNLESS_STOPPED };

struct restart_policy {
    enum restart_mode mode;
    unsigned max_retries; /* on-failure:N; 0 is no limit */
};

/* "no", "always", "unless-stopped", "on-failure" or "on-failure:N". */
int restart_policy_parse(const char *s, struct restart_policy *p, keel_err *err);

/* Whether an exit with `exit_code` after `restarts` restarts is followed by
 * another; never after a stop or kill by the user. */
bool restart_wanted(const struct restart_policy *p, int exit_code, unsigned restarts,
                    bool stopped_by_user);

struct restart_backoff {
    uint64_t delay_ms; /* the last delay, 0 before the first restart */
};

/* The delay before the next restart of a container that ran `ran_ms`. */
uint64_t restart_backoff_next(struct restart_backoff *b, uint64_t ran_ms);

#endif
