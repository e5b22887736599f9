/* keel's commands: one file each; main.c holds the table. A command returns
 * its exit status, or -1 with err set (main prints it once and exits 1). */
#ifndef KEEL_COMMANDS_H
#define KEEL_COMMANDS_H

#include <stdbool.h>

#include "keel/error.h"

struct globals {
    const char *root;   /* --root: state directory */
    bool debug;
};

typedef int command_fn(const struct globals *g, int argc, char **argv, keel_err *err);

command_fn cmd_create, cmd_start, cmd_state, cmd_kill, cmd_delete, cmd_run, cmd_list, cmd_spec,
    cmd_features;
command_fn cmd_pause, cmd_resume, cmd_update, cmd_ps, cmd_events;
command_fn cmd_exec;

/* The single ID operand of most commands; argv[0] is the command name. */
int cmd_need_id(int argc, char **argv, int index, const char *usage, const char **id, keel_err *err);

#endif
