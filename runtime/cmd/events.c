/* keel events [--stats] [--interval D] ID: runc's JSON events, one per line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "container_cgroup.h"
#include "options.h"

/* A Go duration ("5s", "100ms", "1m30s", "1.5s") in milliseconds. */
static int parse_duration(const char *s, long *ms, keel_err *err)
{
    /* "ms" before "m" and "s": the first unit that matches wins */
    static const struct { const char *unit; double ms; } units[] = {
        { "ns", 1e-6 }, { "us", 1e-3 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
    };
    double total = 0;

    for (const char *p = s; *p != '\0';) {
        char *end;
        double v = strtod(p, &end);
        size_t i = 0;

        if (end == p || v < 0)
            return keel_error(err, 0, "--interval: invalid duration %s", s);
        while (i < sizeof units / sizeof units[0] &&
               strncmp(end, units[i].unit, strlen(units[i].unit)) != 0)
            i++;
        if (i == sizeof units / sizeof units[0])
            return keel_error(err, 0, "--interval: invalid duration %s (units: ms, s, m, h)", s);
        total += v * units[i].ms;
        p = end + strlen(units[i].unit);
    }
    if (total < 1)
        return keel_error(err, 0, "--interval: %s is too short", s);
    *ms = (long)total;
    return 0;
}

int cmd_events(const struct globals *g, int argc, char **argv, keel_err *err)
{
    static const struct keel_option opts[] = { { "stats", 0, false, 1 }, { "interval", 0, true, 2 },
                                               { NULL, 0, false, 0 } };
    struct keel_option_parser p = { .options = opts, .argc = argc, .argv = argv, .index = 1 };
    bool once = false;
    long interval = 5000;
    const char *v;
    int key;

    while ((key = options_next(&p, &v, err)) > 0) {
        if (key == 1)
            once = options_bool(v);
        else if (parse_duration(v, &interval, err) < 0)
            return -1;
    }
    if (key < 0)
        return -1;
    if (argc - p.index != 1)
        return keel_error(err, 0, "usage: keel events [--stats] [--interval DURATION] ID");
    return container_events(g->root, argv[p.index], once, interval, stdout, err) < 0 ? -1 : 0;
}
