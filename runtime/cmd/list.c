/* keel list [-f table|json] [-q] */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "container.h"
#include "options.h"

int cmd_list(const struct globals *g, int argc, char **argv, keel_err *err)
{
    static const struct keel_option opts[] = {{"format", 'f', true, 1}, {"quiet", 'q', false, 2},
                                              {NULL, 0, false, 0}};
    struct keel_option_parser p = {.options = opts, .argc = argc, .argv = argv, .index = 1};
    enum list_format f = LIST_TABLE;
    bool quiet = false;
    const char *v;
    int key;
    while ((key = options_next(&p, &v, err)) > 0) {
        if (key == 2) {
            quiet = options_bool(v);
        } else if (strcmp(v, "json") == 0) {
            f = LIST_JSON;
        } else if (strcmp(v, "table") != 0) {
            return keel_error(err, 0, "invalid format %s: table or json", v);
        }
    }
    if (key < 0)
        return -1;
    if (p.index != argc)
        return keel_error(err, 0, "usage: keel list [-f table|json] [-q]");
    return container_list(g->root, f, quiet, stdout, err) < 0 ? -1 : 0;
}
