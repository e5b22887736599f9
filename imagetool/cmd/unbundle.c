/* keel-image unbundle DIR: unmounts and removes a bundle made by `bundle`. */
#include <unistd.h>

#include "bundle.h"
#include "commands.h"

#define USAGE "unbundle DIR"

int cmd_unbundle(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    if (getopt(argc, argv, "+") != -1 || argc - optind != 1)
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    int rc = bundle_delete(&s, argv[optind], err);
    store_close(&s);
    return rc;
}
