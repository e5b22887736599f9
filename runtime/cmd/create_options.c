/* Options shared by create and run (runc-create(8), runc-run(8)). */
#include "create_options.h"

#include <stdlib.h>
#include <string.h>

#include "options.h"

enum { O_BUNDLE = 1, O_CONSOLE, O_PIDFILE, O_NOPIVOT, O_NOKEYRING, O_PRESERVE, O_DETACH, O_KEEP,
       O_NOSUBREAPER, O_PIDFD };

static const struct keel_option create_options[] = {
    {"bundle", 'b', true, O_BUNDLE},
    {"console-socket", 0, true, O_CONSOLE},
    {"pid-file", 0, true, O_PIDFILE},
    {"no-pivot", 0, false, O_NOPIVOT},
    {"no-new-keyring", 0, false, O_NOKEYRING},
    {"preserve-fds", 0, true, O_PRESERVE},
    {"detach", 'd', false, O_DETACH},
    {"keep", 0, false, O_KEEP},
    {"no-subreaper", 0, false, O_NOSUBREAPER},
    {"pidfd-socket", 0, true, O_PIDFD},
    {NULL, 0, false, 0},
};

int create_options_parse(struct create_opts *o, bool run, int argc, char **argv, bool *detach,
                         bool *keep, keel_err *err)
{
    struct keel_option_parser p = {.options = create_options, .argc = argc, .argv = argv, .index = 1};
    const char *v;
    int key;
    while ((key = options_next(&p, &v, err)) > 0) {
        switch (key) {
        case O_BUNDLE: o->bundle = v; break;
        case O_CONSOLE: o->console_socket = v; break;
        case O_PIDFILE: o->pid_file = v; break;
        case O_PIDFD: o->pidfd_socket = v; break;
        case O_NOPIVOT: o->no_pivot = options_bool(v); break;
        case O_NOKEYRING: o->no_new_keyring = options_bool(v); break;
        case O_PRESERVE:
            if (options_uint("--preserve-fds", v, &o->preserve_fds, err) < 0)
                return -1;
            break;
        case O_NOSUBREAPER: break; /* keel needs no subreaper: accepted for runc compatibility */
        case O_DETACH:
        case O_KEEP:
            if (!run)
                return keel_error(err, 0, "unknown option %s", argv[p.index - 1]);
            *(key == O_DETACH ? detach : keep) = options_bool(v);
            break;
        }
    }
    if (key < 0)
        return -1;
    const char *listen = getenv("LISTEN_FDS");
    if (listen != NULL && *listen != '\0') {
        if (options_uint("LISTEN_FDS", listen, &o->listen_fds, err) < 0)
            return -1;
    }
    return p.index;
}
