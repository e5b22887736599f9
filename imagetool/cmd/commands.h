/* keel-image's commands: one file each; each parses its arguments and calls the library. */
#ifndef KEEL_IMAGE_COMMANDS_H
#define KEEL_IMAGE_COMMANDS_H

#include <stddef.h>

#include "keel/error.h"

struct cmd_ctx {
    const char *root; /* --root, $KEEL_ROOT or /var/lib/keel */
};

/* argv[0] is the command's name. Returns 0, or -1 with err set (main prints
 * it once as "keel-image: <msg>"). */
typedef int cmd_fn(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err);

cmd_fn cmd_pull, cmd_push, cmd_login, cmd_logout, cmd_ls, cmd_inspect, cmd_tag, cmd_rm, cmd_resolve,
    cmd_gc;
cmd_fn cmd_unpack, cmd_bundle, cmd_unbundle, cmd_load, cmd_save;
cmd_fn cmd_build, cmd_commit, cmd_builder, cmd_history;

/* Fills err with "usage: keel-image <usage>" and returns -1. */
int cmd_usage(keel_err *err, const char *usage);
/* Opens the store for a command (shared), with the root named on failure. */
struct store;
int cmd_open_store(const struct cmd_ctx *ctx, struct store *s, keel_err *err);

/* docker's units.HumanSizeWithPrecision: 1000-based units, `digits`
 * significant digits (4 in prune totals, 3 in history). */
void cmd_human_size(long long bytes, int digits, char *out, size_t len);
/* Appends s (not copied) to an argv-like vector; -1 with errno. */
int strv_append(char ***v, size_t *len, char *s);

#endif
