/* keel-image rm [-f] IMAGE...: untags images as docker's rmi does, printing
 * Untagged: and Deleted: lines (the blobs go at the next gc). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "commands.h"
#include "image.h"

#define USAGE "rm [-f] IMAGE..."

static void untagged(void *arg, const char *ref)
{
    (void)arg;
    printf("Untagged: %s\n", ref);
}

static void deleted(void *arg, const char *digest)
{
    (void)arg;
    printf("Deleted: %s\n", digest);
}

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
    const struct rm_report rep = {.untagged = untagged, .deleted = deleted};
    int ret = 0;
    for (int i = optind; i < argc && ret == 0; i++)
        ret = image_remove(&s, argv[i], force, &rep, err);
    store_close(&s);
    return ret;
}
