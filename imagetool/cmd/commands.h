/* keel-image's commands: one file each; each parses its arguments and calls the library. */
#ifndef KEEL_IMAGE_COMMANDS_H
#define KEEL_IMAGE_COMMANDS_H

#include "keel/error.h"

struct cmd_ctx {
    const char *root; /* --root, $KEEL_ROOT or /var/lib/keel */
};

/* argv[0] is the command's name. Returns 0, or -1 with err set (main prints
 * it once as "keel-image: <msg>"). */
typedef int cmd_fn(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err);

cmd_fn cmd_pull, cmd_ls, cmd_inspect, cmd_tag, cmd_rm, cmd_resolve, cmd_gc;
cmd_fn cmd_unpack, cmd_bundle, cmd_unbundle, cmd_load, cmd_save;

/* Fills err with "usage: keel-image <usage>" and returns -1. */
int cmd_usage(keel_err *err, const char *usage);
/* Opens the store for a command (shared), with the root named on failure. */
struct store;
int cmd_open_store(const struct cmd_ctx *ctx, struct store *s, keel_err *err);

#endif
