/* keel-image logout [SERVER]: docker logout, from config.json and its
 * credential helper. */
#include <stdio.h>

#include "commands.h"
#include "login.h"

#define USAGE "logout [SERVER]"

int cmd_logout(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    (void)ctx;
    if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
        return cmd_usage(err, USAGE);
    struct login_result res;
    bool found;
    if (registry_logout(argc == 2 ? argv[1] : NULL, &res, &found, err) < 0)
        return -1;
    if (found)
        printf("Removing login credentials for %s\n", res.key);
    else
        printf("Not logged in to %s\n", res.key);
    login_result_release(&res);
    return 0;
}
