/* linux.resources onto the container's cgroup: each controller of the
 * version(s) the host has applies its part (cgroup_v1.c, cgroup_v2.c list them). */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "keel/cleanup.h"
#include "cgroup_internal.h"

/* Whether a v2 table entry serves this cgroup: always on v2; on hybrid only
 * where its v1 hierarchy is missing and the unified side has the controller. */
bool cg_v2_serves(struct cgroup *cg, const struct cg_controller *c)
{
    if (cg->mode == CGROUP_V2)
        return true;
    if (cg->mode == CGROUP_V1 || c->name == NULL || c->v1_name == NULL)
        return false;
    return cg_v1_dir(cg, c->v1_name) == NULL && cg_has_word(cg->unified_controllers, c->name);
}

static bool has_v1_hierarchy(const char *root, const char *name)
{
    enum cgroup_mode mode;
    char hier[4096];
    struct stat st;

    if (cgroup_detect_mode(root, &mode, &(keel_err){ 0 }) < 0 || mode == CGROUP_V2)
        return false;
    snprintf(hier, sizeof hier, "%s/%s", root, name);
    return stat(hier, &st) == 0 && S_ISDIR(st.st_mode);
}

int cgroup_check_network(const char *root, const struct oci_network *n, keel_err *err)
{
    if (n != NULL && n->has_classID && !has_v1_hierarchy(root, "net_cls"))
        return keel_error(err, 0, "linux.resources.network.classID: no net_cls cgroup hierarchy on this host");
    if (n != NULL && n->priorities_len > 0 && !has_v1_hierarchy(root, "net_prio"))
        return keel_error(err, 0, "linux.resources.network.priorities: no net_prio cgroup hierarchy on this host");
    return 0;
}

static int apply(struct cgroup *cg, const struct cg_apply *a, keel_err *err)
{
    if (a->r->unified_len > 0 && cg->mode != CGROUP_V2)
        return keel_error(err, EINVAL, "linux.resources.unified: needs cgroup v2, this host is %s",
                          cgroup_mode_name(cg->mode));
    if (cgroup_check_network(cg->root, a->r->network, err) < 0)
        return -1;
    if (cg->mode != CGROUP_V2) {
        for (size_t i = 0; i < cg_v1_ncontrollers; i++) {
            if (cg->v1[i].fd >= 0 && cg_v1_controllers[i].apply != NULL &&
                cg_v1_controllers[i].apply(&cg->v1[i], a, err) < 0)
                return -1;
        }
    }
    for (size_t i = 0; i < cg_v2_ncontrollers; i++) {
        if (cg->unified.fd >= 0 && cg_v2_serves(cg, &cg_v2_controllers[i]) &&
            cg_v2_controllers[i].apply(&cg->unified, a, err) < 0)
            return -1;
    }
    return 0;
}

int cgroup_apply(struct cgroup *cg, const struct oci_linux *linux, keel_err *err)
{
    static const struct oci_resources none;
    cleanup_free struct cg_device_rule *rules = NULL;
    struct cg_apply a = { 0 };

    if (cg_device_rules(linux, &rules, &a.nrules, err) < 0)
        return -1;
    a.r = linux != NULL && linux->resources != NULL ? linux->resources : &none;
    a.rules = rules;
    return apply(cg, &a, err);
}

int cgroup_update(struct cgroup *cg, const struct oci_resources *r, keel_err *err)
{
    struct cg_apply a = { .r = r };

    return apply(cg, &a, err);
}

