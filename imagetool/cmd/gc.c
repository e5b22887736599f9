/* keel-image gc [--dry-run]: removes what no reference and no live bundle reaches. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "image.h"

#define USAGE "gc [--dry-run]"

struct gc_out {
    bool dry_run;
};

static void on_removed(void *arg, const char *what, const char *name, long long bytes)
{
    const struct gc_out *o = arg;
    printf("%s %s %s (%lld bytes)\n", o->dry_run ? "would remove" : "removed", what, name,
           bytes > 0 ? bytes : 0);
}

int cmd_gc(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    static const struct option opts[] = {
        {"dry-run", no_argument, NULL, 'n'},
        {0},
    };
    struct gc_out out = {0};
    int c;
    while ((c = getopt_long(argc, argv, "+n", opts, NULL)) != -1) {
        if (c != 'n')
            return cmd_usage(err, USAGE);
        out.dry_run = true;
    }
    if (optind != argc)
        return cmd_usage(err, USAGE);
    struct store s;
    if (store_open(&s, ctx->root, STORE_EXCLUSIVE, err) < 0)
        return keel_error_wrap(err, "open store %s", ctx->root);
    struct gc_report rep = {.removed = on_removed, .arg = &out};
    int ret = image_gc(&s, out.dry_run, &rep, err);
    store_close(&s);
    if (ret < 0)
        return -1;
    printf("%s %zu blobs, %zu layers, %zu bundle records, %zu temp files: %lld bytes\n",
           out.dry_run ? "would free" : "freed", rep.blobs, rep.layers, rep.records, rep.temps,
           rep.bytes);
    return 0;
}
