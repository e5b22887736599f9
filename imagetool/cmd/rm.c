/* keel-image rm [-f] REF...: untags images (the blobs go at the next gc). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "commands.h"
#include "image.h"

#define USAGE "rm [-f] REF..."

int cmd_rm(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    bool force = false;
    int c;
    while ((c = getopt(argc, argv, "+f")) != -1) {
        if (c != 'f')
            return cmd_usage(err, USAGE);
        force = true;
    }
    if (optind >= argc)
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    int ret = 0;
    for (int i = optind; i < argc && ret == 0; i++) {
        ret = image_remove(&s, argv[i], force, err);
        if (ret == 0)
            printf("Untagged: %s\n", argv[i]);
    }
    store_close(&s);
    return ret;
}
