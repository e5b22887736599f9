/* keel features */
#include <stdio.h>

#include "commands.h"
#include "container.h"

int cmd_features(const struct globals *g, int argc, char **argv, keel_err *err)
{
    (void)g;
    (void)argv;
    if (argc != 1)
        return keel_error(err, 0, "usage: keel features");
    return features_print(stdout, err) < 0 ? -1 : 0;
}
