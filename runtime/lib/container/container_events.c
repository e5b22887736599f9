/* events: runc's stream of stats and OOM notices for one container. The
 * state lock is dropped after reading the state: events runs for as long as
 * the container does and must not block kill or delete. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "container_cgroup.h"
#include "util.h"

static int print_event(FILE *out, const char *type, const char *id, struct runc_stats *data,
                       keel_err *err)
{
    struct runc_event ev = { .type = (char *)type, .id = (char *)id, .data = data };
    cleanup_free char *json = spec_generate(&spec_type_runc_event, &ev, false, NULL, err);

    if (json == NULL)
        return -1;
    if (fprintf(out, "%s\n", json) < 0 || fflush(out) != 0)
        return keel_syserror(err, "write event");
    return 0;
}

static int print_stats(FILE *out, struct cgroup *cg, const char *id, keel_err *err)
{
    struct runc_stats s;
    int rc;

    if (cgroup_stats(cg, &s, err) < 0)
        return -1;
    rc = print_event(out, "stats", id, &s, err);
    spec_release(&spec_type_runc_stats, &s);
    return rc;
}

int container_events(const char *root, const char *id, bool stats_once, long interval_ms,
                     FILE *out, keel_err *err)
{
    cleanup_container struct container c = CONTAINER_INIT;
    cleanup_cgroup struct cgroup *cg = NULL;
    pid_t pid;
    uint64_t start;
    cleanup_close int oom = -1;
    int rc = 0;

    if (container_open(root, id, &c, err) < 0)
        return -1;
    if (container_status(&c) == STATUS_STOPPED)
        return keel_error(err, 0, "container with id %s is not running", id);
    cg = container_cgroup_open(&c, err);
    pid = c.st.pid;
    start = c.st.pidStartTime;
    container_close(&c); /* the lock: kill and delete must work meanwhile */
    if (cg == NULL)
        return -1;
    if (stats_once)
        return print_stats(out, cg, id, err);
    oom = cgroup_oom_watch(cg, err);
    if (oom < 0 && err->errnum != ENOTSUP)
        return -1;
    while (rc == 0 && proc_alive(pid, start)) {
        struct pollfd p = { .fd = oom, .events = POLLIN };
        int n = poll(&p, oom >= 0 ? 1 : 0, (int)interval_ms);
        bool hit = false;

        if (n < 0 && errno != EINTR)
            rc = keel_syserror(err, "poll");
        else if (n == 0)
            rc = print_stats(out, cg, id, err);
        else if (n > 0 && (rc = cgroup_oom_check(cg, oom, &hit, err)) == 0 && hit)
            rc = print_event(out, "oom", id, NULL, err);
    }
    return rc;
}
