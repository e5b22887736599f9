/* keel-bundle: keel-image's bundle and unbundle commands alone, for front ends
 * that make a bundle per container (keel-docker run). Linked --as-needed, it
 * loads neither libcurl nor the ~25 libraries behind it, and starts in about
 * half keel-image's time (dynamic relocation dominates a start here). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "store.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: keel-bundle [--root DIR] bundle|unbundle ARGS... (as keel-image's)\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"root", required_argument, NULL, 'r'}, {"help", no_argument, NULL, 'h'}, {0}};
    struct cmd_ctx ctx = {.root = getenv("KEEL_ROOT")};
    if (ctx.root == NULL || ctx.root[0] == '\0')
        ctx.root = STORE_DEFAULT_ROOT;
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (c != 'r') {
            usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
        ctx.root = optarg;
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[optind];
    cmd_fn *run = strcmp(name, "bundle") == 0 ? cmd_bundle
                  : strcmp(name, "unbundle") == 0 ? cmd_unbundle : NULL;
    if (run == NULL) {
        fprintf(stderr, "keel-bundle: unknown command \"%s\" (see keel-image)\n", name);
        return 2;
    }
    keel_err err = {0};
    int first = optind;
    optind = 0; /* the command runs getopt over its own argv */
    if (run(&ctx, argc - first, argv + first, &err) < 0) {
        fprintf(stderr, "keel-image: %s\n", err.msg);
        return 1;
    }
    return 0;
}
