/* Restart policies and docker's back-off (restart.h). */
#include "restart.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 60000
#define BACKOFF_RESET_AFTER_MS 10000

int restart_policy_parse(const char *s, struct restart_policy *p, keel_err *err)
{
    static const struct { const char *name; enum restart_mode mode; } names[] = {
        {"no", RESTART_NO}, {"always", RESTART_ALWAYS},
        {"on-failure", RESTART_ON_FAILURE}, {"unless-stopped", RESTART_UNLESS_STOPPED},
    };
    const char *colon = strchr(s, ':');
    size_t len = colon ? (size_t)(colon - s) : strlen(s);
    *p = (struct restart_policy){0};
    size_t i = 0;
    while (i < sizeof names / sizeof names[0] &&
           (strlen(names[i].name) != len || strncmp(names[i].name, s, len) != 0))
        i++;
    if (i == sizeof names / sizeof names[0])
        return keel_error(err, EINVAL, "invalid restart policy '%s': use one of 'no', 'always', "
                          "'on-failure' or 'unless-stopped'", s);
    p->mode = names[i].mode;
    if (colon == NULL)
        return 0;
    if (p->mode != RESTART_ON_FAILURE)
        return keel_error(err, EINVAL, "invalid restart policy '%s': a maximum retry count "
                          "only goes with 'on-failure'", s);
    char *end;
    errno = 0;
    long n = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || errno != 0 || n < 0 || n > 1000000)
        return keel_error(err, EINVAL, "invalid restart policy '%s': the retry count is not "
                          "a number of 0 or more", s);
    p->max_retries = (unsigned)n;
    return 0;
}

bool restart_wanted(const struct restart_policy *p, int exit_code, unsigned restarts,
                    bool stopped_by_user)
{
    if (stopped_by_user)
        return false;
    switch (p->mode) {
    case RESTART_NO:
        return false;
    case RESTART_ALWAYS:
    case RESTART_UNLESS_STOPPED:
        return true;
    case RESTART_ON_FAILURE:
        return exit_code != 0 && (p->max_retries == 0 || restarts < p->max_retries);
    }
    return false;
}

uint64_t restart_backoff_next(struct restart_backoff *b, uint64_t ran_ms)
{
    if (ran_ms >= BACKOFF_RESET_AFTER_MS || b->delay_ms == 0)
        b->delay_ms = BACKOFF_FIRST_MS;
    else if (b->delay_ms < BACKOFF_MAX_MS)
        b->delay_ms *= 2;
    if (b->delay_ms > BACKOFF_MAX_MS)
        b->delay_ms = BACKOFF_MAX_MS;
    return b->delay_ms;
}
