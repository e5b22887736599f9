/* keel state ID */
#include <stdio.h>

#include "commands.h"
#include "container.h"

int cmd_state(const struct globals *g, int argc, char **argv, keel_err *err)
{
    const char *id;
    if (cmd_need_id(argc, argv, 1, "state ID", &id, err) < 0)
        return -1;
    return container_print_state(g->root, id, stdout, err) < 0 ? -1 : 0;
}
