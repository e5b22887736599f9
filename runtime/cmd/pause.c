/* keel pause ID */
#include "commands.h"
#include "container_cgroup.h"

int cmd_pause(const struct globals *g, int argc, char **argv, keel_err *err)
{
    const char *id;

    if (cmd_need_id(argc, argv, 1, "pause ID", &id, err) < 0)
        return -1;
    return container_pause(g->root, id, true, err) < 0 ? -1 : 0;
}
