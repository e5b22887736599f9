/* keel delete [-f|--force] ID */
#include "commands.h"
#include "container.h"
#include "options.h"

int cmd_delete(const struct globals *g, int argc, char **argv, keel_err *err)
{
    static const struct keel_option opts[] = {{"force", 'f', false, 1}, {NULL, 0, false, 0}};
    struct keel_option_parser p = {.options = opts, .argc = argc, .argv = argv, .index = 1};
    bool force = false;
    const char *v;
    int key;
    while ((key = options_next(&p, &v, err)) > 0)
        force = options_bool(v);
    if (key < 0)
        return -1;
    const char *id;
    if (cmd_need_id(argc, argv, p.index, "delete [-f] ID", &id, err) < 0)
        return -1;
    return container_delete(g->root, id, force, err) < 0 ? -1 : 0;
}
