/* keel: an OCI runtime with runc's command line. Global options, then one
 * command from the table below (one file per command in runtime/cmd/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "exe_seal.h"
#include "log.h"
#include "options.h"
#include "util.h"
#include "version.h"

struct command {
    const char *name;
    command_fn *fn;
    bool sealed;   /* starts container processes: run from a sealed copy (exe_seal.h) */
    const char *help;
};

static const struct command commands[] = {
    {"create", cmd_create, true, "create a container"},
    {"start", cmd_start, false, "start a created container"},
    {"state", cmd_state, false, "output the state of a container"},
    {"kill", cmd_kill, false, "send a signal to a container's init process"},
    {"delete", cmd_delete, false, "delete a container and its resources"},
    {"run", cmd_run, true, "create and start a container"},
    {"list", cmd_list, false, "list the containers"},
    {"spec", cmd_spec, false, "write a new config.json"},
    {"features", cmd_features, false, "show what this build supports"},
    {"pause", cmd_pause, false, "suspend every process of a container"},
    {"resume", cmd_resume, false, "resume a paused container"},
    {"update", cmd_update, false, "update a container's resource limits"},
    {"ps", cmd_ps, false, "list the processes of a container"},
    {"events", cmd_events, false, "show a container's stats and OOM events"},
    {"exec", cmd_exec, true, "run a new process in a running container"},
};

enum { G_ROOT = 1, G_LOG, G_LOG_FORMAT, G_DEBUG, G_SYSTEMD, G_ROOTLESS, G_CRIU, G_HELP, G_VERSION };

static const struct keel_option global_options[] = {
    {"root", 0, true, G_ROOT},
    {"log", 0, true, G_LOG},
    {"log-format", 0, true, G_LOG_FORMAT},
    {"debug", 0, false, G_DEBUG},
    {"systemd-cgroup", 0, false, G_SYSTEMD},
    {"rootless", 0, true, G_ROOTLESS},
    {"criu", 0, true, G_CRIU},
    {"help", 'h', false, G_HELP},
    {"version", 'v', false, G_VERSION},
    {NULL, 0, false, 0},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: keel [global options] COMMAND [options] [CONTAINER-ID]\n\n"
                 "global options:\n"
                 "  --root DIR              container state (default /run/keel)\n"
                 "  --log FILE              log file (default: stderr)\n"
                 "  --log-format text|json  log format (default text)\n"
                 "  --debug                 debug logging\n"
                 "  --systemd-cgroup        not supported: an error\n"
                 "  --rootless, --criu      accepted for runc compatibility\n"
                 "  -v, --version           print the version\n"
                 "  -h, --help              this help\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
}

int cmd_need_id(int argc, char **argv, int index, const char *usage_line, const char **id, keel_err *err)
{
    if (argc - index != 1)
        return keel_error(err, 0, "usage: keel %s", usage_line);
    *id = argv[index];
    return 0;
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Parses the globals; returns the index of the command, 0 when done (help,
 * version), -1 on error. */
static int parse_globals(int argc, char **argv, struct globals *g, const char **log_file,
                         enum log_format *fmt, keel_err *err)
{
    struct keel_option_parser p = {.options = global_options, .argc = argc, .argv = argv, .index = 1};
    const char *v;
    int key;
    while ((key = options_next(&p, &v, err)) > 0) {
        switch (key) {
        case G_ROOT: g->root = v; break;
        case G_LOG: *log_file = v; break;
        case G_LOG_FORMAT:
            if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
                return keel_error(err, 0, "invalid --log-format %s: text or json", v);
            *fmt = strcmp(v, "json") == 0 ? LOG_JSON : LOG_TEXT;
            break;
        case G_DEBUG: g->debug = options_bool(v); break;
        case G_SYSTEMD:
            if (options_bool(v))
                return keel_error(err, 0, "--systemd-cgroup: systemd cgroup management is not supported by keel; use cgroupfs");
            break;
        case G_ROOTLESS: case G_CRIU: break;
        case G_HELP: usage(stdout); return 0;
        case G_VERSION:
            printf("keel version %s\nspec: 1.3.0\n", keel_runtime_version);
            return 0;
        }
    }
    if (key < 0)
        return -1;
    if (p.index >= argc) {
        usage(stderr);
        return keel_error(err, 0, "no command given");
    }
    return p.index;
}

int main(int argc, char **argv)
{
    struct globals g = {.root = "/run/keel"};
    const char *log_file = NULL;
    enum log_format fmt = LOG_TEXT;
    keel_err err = {0};
    int index = parse_globals(argc, argv, &g, &log_file, &fmt, &err);
    if (index <= 0) {
        if (index < 0)
            log_error(err.msg);
        return index < 0 ? 1 : 0;
    }
    if (log_setup(log_file, fmt, g.debug, &err) < 0) {
        log_error(err.msg);
        return 1;
    }
    /* the state directory's path is recorded and compared: make it one spelling */
    cleanup_free char *root = path_absolute(g.root, &err);
    if (root == NULL) {
        log_error(err.msg);
        return 1;
    }
    const char *name = argv[index];
    if (strcmp(name, "help") == 0 || strcmp(name, "h") == 0) {
        usage(stdout);
        return 0;
    }
    const struct command *cmd = find_command(name);
    if (cmd == NULL) {
        keel_error(&err, 0, "unknown command %s", name);
        log_error(err.msg);
        return 1;
    }
    /* `keel COMMAND --help`, as runc takes it: only among the leading options,
     * so that `keel exec ID ls --help` still reaches ls */
    for (int i = index + 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("keel %s: %s\n(see keel --help and runc-%s(8): keel takes runc's options)\n",
                   cmd->name, cmd->help, cmd->name);
            return 0;
        }
    }
    if (cmd->sealed && exe_ensure_sealed(argv, &err) < 0) {
        log_error(err.msg);
        return 1;
    }
    g.root = root;
    int r = cmd->fn(&g, argc - index, argv + index, &err);
    if (r < 0) {
        log_error(err.msg);
        return 1;
    }
    return r;
}
