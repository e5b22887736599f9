/* Helpers every command file uses. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "store.h"

int cmd_usage(keel_err *err, const char *usage)
{
    return keel_error(err, 0, "usage: keel-image %s", usage);
}

int cmd_open_store(const struct cmd_ctx *ctx, struct store *s, keel_err *err)
{
    if (store_open(s, ctx->root, STORE_SHARED, err) < 0)
        return keel_error_wrap(err, "open store %s", ctx->root);
    return 0;
}

int strv_append(char ***v, size_t *len, char *s)
{
    char **grown = realloc(*v, (*len + 1) * sizeof *grown);
    if (grown == NULL)
        return -1;
    grown[(*len)++] = s;
    *v = grown;
    return 0;
}

void cmd_human_size(long long bytes, int digits, char *out, size_t len)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1000 && u + 1 < sizeof units / sizeof units[0])
        v /= 1000, u++;
    snprintf(out, len, "%.*g%s", digits, v, units[u]);
}
