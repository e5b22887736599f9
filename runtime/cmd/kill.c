/* keel kill [--all] ID [SIGNAL] */
#include <signal.h>

#include "commands.h"
#include "container.h"
#include "options.h"
#include "signals.h"

int cmd_kill(const struct globals *g, int argc, char **argv, keel_err *err)
{
    static const struct keel_option opts[] = {{"all", 'a', false, 1}, {NULL, 0, false, 0}};
    struct keel_option_parser p = {.options = opts, .argc = argc, .argv = argv, .index = 1};
    bool all = false;
    const char *v;
    int key;
    while ((key = options_next(&p, &v, err)) > 0)
        all = options_bool(v);
    if (key < 0)
        return -1;
    int left = argc - p.index;
    if (left < 1 || left > 2)
        return keel_error(err, 0, "usage: keel kill [--all] ID [SIGNAL]");
    int sig = SIGTERM;
    if (left == 2 && (sig = signal_parse(argv[p.index + 1], err)) < 0)
        return -1;
    return container_kill(g->root, argv[p.index], sig, all, err) < 0 ? -1 : 0;
}
