/* keel-image resolve IMAGE: what an image argument names as docker reads it
 * (a name, name:tag, name@digest, the ID or a unique prefix of it), as JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "image_find.h"
#include "keel/image_store.h"

#define USAGE "resolve IMAGE"

int cmd_resolve(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    if (getopt(argc, argv, "+") != -1 || argc - optind != 1)
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    struct image_found f;
    int ret = image_find(&s, argv[optind], &f, err);
    store_close(&s);
    if (ret < 0)
        return -1;
    struct keel_image_match m = {.id = f.id, .manifest = f.manifest, .reference = f.ref,
                                 .by_id = f.by_id, .has_by_id = true, .references = f.refs,
                                 .references_len = f.refs_len};
    char *json = spec_generate(&spec_type_keel_image_match, &m, false, NULL, err);
    image_found_release(&f);
    if (json == NULL)
        return -1;
    printf("%s\n", json);
    free(json);
    return 0;
}
