/* keel-image bundle [--copy] REF DIR: an OCI runtime bundle of the image. */
#include <getopt.h>
#include <stdbool.h>

#include "bundle.h"
#include "commands.h"

#define USAGE "bundle [--copy] REF DIR"

int cmd_bundle(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    static const struct option opts[] = {{"copy", no_argument, NULL, 'c'}, {0}};
    bool copy = false;
    int c;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (c != 'c')
            return cmd_usage(err, USAGE);
        copy = true;
    }
    if (argc - optind != 2)
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    int rc = bundle_create(&s, argv[optind], argv[optind + 1], copy, err);
    store_close(&s);
    return rc;
}
