/* keel-image commit BUNDLE REF [-c|--change INSTR]... [-m MSG] [-a AUTHOR]:
 * the bundle's writable layer as a new image (the image ID on stdout). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "build/builder.h"
#include "commands.h"

#define USAGE "commit [-c|--change INSTR]... [-m MSG] [-a AUTHOR] BUNDLE [REF]"

int cmd_commit(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    static const struct option opts[] = {
        {"change", required_argument, NULL, 'c'},
        {"message", required_argument, NULL, 'm'},
        {"author", required_argument, NULL, 'a'},
        {0},
    };
    struct commit_opts o = {0};
    int c, rc = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, "c:m:a:", opts, NULL)) != -1) {
        if (c == 'm') {
            o.message = optarg;
        } else if (c == 'a') {
            o.author = optarg;
        } else if (c == 'c') {
            if (strv_append(&o.changes, &o.nchanges, optarg) < 0)
                rc = keel_syserror(err, "commit");
        } else {
            rc = cmd_usage(err, USAGE);
        }
    }
    if (rc == 0 && (argc - optind < 1 || argc - optind > 2))
        rc = cmd_usage(err, USAGE);
    struct store s;
    if (rc == 0 && (rc = cmd_open_store(ctx, &s, err)) == 0) {
        char id[DIGEST_BUF];
        rc = image_commit(&s, argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL, &o,
                          id, err);
        store_close(&s);
        if (rc == 0)
            printf("%s\n", id);
    }
    free(o.changes);
    return rc;
}
