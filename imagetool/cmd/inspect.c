/* keel-image inspect REF: the image's reference, digest, manifest, config and layers as JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "image.h"

#define USAGE "inspect REF"

int cmd_inspect(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    if (getopt(argc, argv, "+") != -1 || argc - optind != 1)
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    struct keel_image_inspect info;
    int ret = image_inspect(&s, argv[optind], &info, err);
    store_close(&s);
    if (ret < 0)
        return -1;
    char *json = spec_generate(&spec_type_keel_image_inspect, &info, true, NULL, err);
    spec_release(&spec_type_keel_image_inspect, &info);
    if (json == NULL)
        return -1;
    printf("%s\n", json);
    free(json);
    return 0;
}
