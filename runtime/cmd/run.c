/* keel run [options] ID */
#include "commands.h"
#include "container.h"
#include "create_options.h"

int cmd_run(const struct globals *g, int argc, char **argv, keel_err *err)
{
    struct create_opts o = {.root = g->root};
    bool detach = false, keep = false;
    int index = create_options_parse(&o, true, argc, argv, &detach, &keep, err);
    if (index < 0)
        return -1;
    if (cmd_need_id(argc, argv, index, "run [options] ID", &o.id, err) < 0)
        return -1;
    o.foreground = !detach;
    int status;
    if (container_run(&o, detach, keep, &status, err) < 0)
        return -1;
    return status;
}
