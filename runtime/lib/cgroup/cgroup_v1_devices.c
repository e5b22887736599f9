/* cgroup v1 devices: the allow/deny list, written rule by rule in order
 * (the kernel takes one rule per write; each file is opened once). */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "cgroup_v1.h"

int cg_v1_devices_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    cleanup_close int allow = -1;
    cleanup_close int deny = -1;

    for (size_t i = 0; i < a->nrules; i++) {
        const char *file = a->rules[i].allow ? "devices.allow" : "devices.deny";
        int *fd = a->rules[i].allow ? &allow : &deny;
        char rule[64];

        cg_device_rule_string(&a->rules[i], rule, sizeof rule);
        if (*fd < 0 && (*fd = openat(d->fd, file, O_WRONLY | O_CLOEXEC)) < 0)
            return keel_syserror(err, "write %s/%s=%s", d->path, file, rule);
        if (write(*fd, rule, strlen(rule)) < 0)
            return keel_syserror(err, "write %s/%s=%s", d->path, file, rule);
    }
    return 0;
}
