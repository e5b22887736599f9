/* cgroup v1 devices: the allow/deny list, written rule by rule in order. */
#include "cgroup_v1.h"

int cg_v1_devices_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    for (size_t i = 0; i < a->nrules; i++) {
        char rule[64];

        cg_device_rule_string(&a->rules[i], rule, sizeof rule);
        if (cg_write(d, a->rules[i].allow ? "devices.allow" : "devices.deny", rule, err) < 0)
            return -1;
    }
    return 0;
}
