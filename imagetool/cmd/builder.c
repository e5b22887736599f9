/* keel-image builder prune [-a] [-f]: drops the build cache and frees the
 * layers only it kept (docker builder prune's report); builder du: its size. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "build/builder.h"
#include "commands.h"
#include "image.h"

#define USAGE "builder prune [-a] [-f] [-q] | builder du"

static int builder_du(const struct cmd_ctx *ctx, keel_err *err)
{
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    struct build_cache_usage u;
    int rc = build_cache_usage(&s, &u, err);
    store_close(&s);
    if (rc < 0)
        return -1;
    char size[32];
    cmd_human_size(u.bytes, 4, size, sizeof size);
    printf("Records:\t%zu\nTotal:\t%s\n", u.records, size);
    return 0;
}

int cmd_builder(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    static const struct option opts[] = {
        {"all", no_argument, NULL, 'a'},
        {"force", no_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {0},
    };
    if (argc == 2 && strcmp(argv[1], "du") == 0)
        return builder_du(ctx, err);
    if (argc < 2 || strcmp(argv[1], "prune") != 0)
        return cmd_usage(err, USAGE);
    optind = 2;
    int c;
    bool quiet = false;
    while ((c = getopt_long(argc, argv, "+afq", opts, NULL)) != -1) {
        if (c != 'a' && c != 'f' && c != 'q')
            return cmd_usage(err, USAGE);
        quiet |= c == 'q';
    }
    if (optind != argc)
        return cmd_usage(err, USAGE);
    struct store s;
    if (store_open(&s, ctx->root, STORE_EXCLUSIVE, err) < 0)
        return keel_error_wrap(err, "open store %s", ctx->root);
    size_t removed = 0;
    struct gc_report rep = {0};
    int rc = build_cache_prune(&s, &removed, err);
    if (rc == 0)
        rc = image_gc(&s, false, &rep, err);
    store_close(&s);
    if (rc < 0)
        return -1;
    if (quiet) { /* the bytes alone, for a front end's own total */
        printf("%lld\n", rep.bytes);
        return 0;
    }
    char size[32];
    cmd_human_size(rep.bytes, 4, size, sizeof size);
    printf("Deleted build cache objects: %zu\n\nTotal reclaimed space: %s\n", removed, size);
    return 0;
}
