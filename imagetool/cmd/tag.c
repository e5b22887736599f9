/* keel-image tag SRC DST: DST names the same image as SRC. */
#include <getopt.h>

#include "commands.h"
#include "image_find.h"
#include "store.h"

#define USAGE "tag SRC DST"

int cmd_tag(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    if (getopt(argc, argv, "+") != -1 || argc - optind != 2)
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    struct oci_descriptor d;
    int r = image_resolve(&s, argv[optind], &d, err);
    if (r == 0) {
        r = store_tag(&s, argv[optind + 1], &d, err);
        spec_release(&spec_type_oci_descriptor, &d);
    }
    store_close(&s);
    return r;
}
