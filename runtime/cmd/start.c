/* keel start ID */
#include "commands.h"
#include "container.h"

int cmd_start(const struct globals *g, int argc, char **argv, keel_err *err)
{
    const char *id;
    if (cmd_need_id(argc, argv, 1, "start ID", &id, err) < 0)
        return -1;
    return container_start(g->root, id, err) < 0 ? -1 : 0;
}
