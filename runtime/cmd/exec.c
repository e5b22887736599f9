/* keel exec [options] ID [CMD ...] (runc-exec(8)) */
#include <errno.h>
#include <stdlib.h>

#include "commands.h"
#include "container_exec.h"
#include "keel/cleanup.h"
#include "options.h"

enum { E_PROCESS = 1, E_TTY, E_CONSOLE, E_DETACH, E_PIDFILE, E_ENV, E_CWD, E_USER, E_GIDS, E_CAP,
       E_NNP, E_PRESERVE, E_APPARMOR, E_LABEL, E_PIDFD, E_CGROUP, E_IGNORE_PAUSED };

static const struct keel_option exec_options[] = {
    {"process", 'p', true, E_PROCESS},
    {"tty", 't', false, E_TTY},
    {"console-socket", 0, true, E_CONSOLE},
    {"pidfd-socket", 0, true, E_PIDFD},
    {"detach", 'd', false, E_DETACH},
    {"pid-file", 0, true, E_PIDFILE},
    {"env", 'e', true, E_ENV},
    {"cwd", 0, true, E_CWD},
    {"user", 'u', true, E_USER},
    {"additional-gids", 'g', true, E_GIDS},
    {"cap", 'c', true, E_CAP},
    {"no-new-privs", 0, false, E_NNP},
    {"preserve-fds", 0, true, E_PRESERVE},
    {"apparmor", 0, true, E_APPARMOR},
    {"process-label", 0, true, E_LABEL},
    {"cgroup", 0, true, E_CGROUP},
    {"ignore-paused", 0, false, E_IGNORE_PAUSED},
    {NULL, 0, false, 0},
};

/* The repeatable options collect into arrays of argv's strings. */
struct exec_lists {
    char **env, **gids, **caps;
    size_t env_len, gids_len, caps_len;
};

static int exec_parse(struct exec_opts *o, struct exec_lists *l, int argc, char **argv, keel_err *err)
{
    struct keel_option_parser p = {.options = exec_options, .argc = argc, .argv = argv, .index = 1};
    const char *v;
    int key;
    while ((key = options_next(&p, &v, err)) > 0) {
        switch (key) {
        case E_PROCESS: o->process_file = v; break;
        case E_TTY: o->tty = options_bool(v); break;
        case E_CONSOLE: o->console_socket = v; break;
        case E_PIDFD: o->pidfd_socket = v; break;
        case E_DETACH: o->detach = options_bool(v); break;
        case E_PIDFILE: o->pid_file = v; break;
        case E_ENV: l->env[l->env_len++] = (char *)v; break;
        case E_CWD: o->cwd = v; break;
        case E_USER: o->user = v; break;
        case E_GIDS: l->gids[l->gids_len++] = (char *)v; break;
        case E_CAP: l->caps[l->caps_len++] = (char *)v; break;
        case E_NNP: o->no_new_privs = options_bool(v); break;
        case E_PRESERVE:
            if (options_uint("--preserve-fds", v, &o->preserve_fds, err) < 0)
                return -1;
            break;
        case E_APPARMOR: o->apparmor = v; break;
        case E_LABEL: o->process_label = v; break;
        case E_CGROUP: o->sub_cgroup = v; break;
        case E_IGNORE_PAUSED: o->ignore_paused = options_bool(v); break;
        }
    }
    if (key < 0)
        return -1;
    if (p.index >= argc)
        return keel_error(err, 0, "usage: keel exec [options] ID [CMD ...]");
    o->id = argv[p.index];
    o->args = argv + p.index + 1;
    o->args_len = (size_t)(argc - p.index - 1);
    return 0;
}

int cmd_exec(const struct globals *g, int argc, char **argv, keel_err *err)
{
    /* no option repeats more often than there are arguments */
    cleanup_free char **env = calloc((size_t)argc, sizeof *env);
    cleanup_free char **gids = calloc((size_t)argc, sizeof *gids);
    cleanup_free char **caps = calloc((size_t)argc, sizeof *caps);
    if (env == NULL || gids == NULL || caps == NULL)
        return keel_error(err, ENOMEM, "exec");
    struct exec_lists l = {.env = env, .gids = gids, .caps = caps};
    struct exec_opts o = {.root = g->root};
    if (exec_parse(&o, &l, argc, argv, err) < 0)
        return -1;
    o.env = l.env;
    o.env_len = l.env_len;
    o.additional_gids = l.gids;
    o.additional_gids_len = l.gids_len;
    o.caps = l.caps;
    o.caps_len = l.caps_len;
    int status;
    if (container_exec(&o, &status, err) < 0)
        return -1;
    return status;
}
