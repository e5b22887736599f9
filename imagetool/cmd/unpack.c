/* keel-image unpack REF DIR: a flat rootfs of the image, as umoci unpack makes. */
#include <unistd.h>

#include "commands.h"
#include "stored_image.h"

#define USAGE "unpack REF DIR"

int cmd_unpack(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    if (getopt(argc, argv, "+") != -1 || argc - optind != 2)
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    int rc = image_unpack(&s, argv[optind], argv[optind + 1], err);
    store_close(&s);
    return rc;
}
