/* keel create [options] ID */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "container.h"
#include "create_options.h"

int cmd_create(const struct globals *g, int argc, char **argv, keel_err *err)
{
    struct create_opts o = {.root = g->root};
    int index = create_options_parse(&o, false, argc, argv, NULL, NULL, err);
    if (index < 0)
        return -1;
    if (cmd_need_id(argc, argv, index, "create [options] ID", &o.id, err) < 0)
        return -1;
    return container_create(&o, NULL, err) < 0 ? -1 : 0;
}
