/* cgroup v2 `unified`: raw key/value pairs written to the named files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_v2.h"

int cg_v2_unified_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    for (size_t i = 0; i < a->r->unified_len; i++) {
        const char *key = a->r->unified_keys[i];
        const char *dot = strchr(key, '.');

        if (strchr(key, '/') != NULL || dot == NULL || dot == key)
            return keel_error(err, 0, "linux.resources.unified.%s: not a cgroup file name", key);
        if (!cg_exists(d, key)) {
            char controller[64];
            snprintf(controller, sizeof controller, "%.*s", (int)(dot - key), key);
            return keel_error(err, ENOENT, "linux.resources.unified.%s: no such file in %s "
                              "(controller %s not available?)", key, d->path, controller);
        }
        if (cg_write(d, key, a->r->unified[i], err) < 0)
            return -1;
    }
    return 0;
}
