/* keel spec [-b DIR] [--rootless] */
#include "commands.h"
#include "container.h"
#include "options.h"

int cmd_spec(const struct globals *g, int argc, char **argv, keel_err *err)
{
    (void)g;
    static const struct keel_option opts[] = {{"bundle", 'b', true, 1}, {"rootless", 0, false, 2},
                                              {NULL, 0, false, 0}};
    struct keel_option_parser p = {.options = opts, .argc = argc, .argv = argv, .index = 1};
    const char *bundle = NULL;
    bool rootless = false;
    const char *v;
    int key;
    while ((key = options_next(&p, &v, err)) > 0) {
        if (key == 1)
            bundle = v;
        else
            rootless = options_bool(v);
    }
    if (key < 0)
        return -1;
    if (p.index != argc)
        return keel_error(err, 0, "usage: keel spec [-b DIR] [--rootless]");
    return spec_write_default(bundle, rootless, err) < 0 ? -1 : 0;
}
