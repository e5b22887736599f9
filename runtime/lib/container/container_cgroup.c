/* The container's cgroup across the lifecycle (create joins, delete removes,
 * state reads the freezer); the commands pause/resume/update/ps/events open it too. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "container_cgroup.h"

/* An unprivileged keel that was asked for no limits runs without a cgroup,
 * as rootless runc does. */
static bool may_go_without(const struct oci_linux *linux, const keel_err *err)
{
    bool denied = err->errnum == EACCES || err->errnum == EPERM || err->errnum == EROFS;
    return denied && geteuid() != 0 && (linux == NULL || linux->resources == NULL);
}

int container_cgroup_begin(const struct oci_config *cfg, const char *id, struct cgroup **out,
                           keel_err *err)
{
    const struct oci_linux *linux = cfg->linux;

    *out = NULL;
    /* not root: container_cgroup_join does it all (and may go without) */
    if (geteuid() != 0)
        return 0;
    cleanup_free char *p = cgroup_resolve_path(linux != NULL ? linux->cgroupsPath : NULL, id, err);
    if (p == NULL)
        return -1;
    struct cgroup *cg = cgroup_create_unified(CGROUP_DEFAULT_ROOT, p, err);
    if (cg == NULL)
        return -1;
    /* on cgroup v2 that is the whole cgroup: its limits go on before the init
     * is cloned into it, which is then charged for its memory from its first
     * page (a 1 MiB limit set afterwards could find it over already) */
    if (cgroup_get_mode(cg) == CGROUP_V2 && cgroup_apply(cg, linux, err) < 0) {
        cgroup_destroy(cg, true, &(keel_err){ 0 }); /* the error to report is the first one */
        cgroup_free(cg);
        return -1;
    }
    *out = cg;
    return 0;
}

int container_cgroup_join(const struct oci_config *cfg, const char *id, pid_t pid,
                          int *join_fds, size_t *njoin,
                          struct cgroup **out, char **path, keel_err *err)
{
    const struct oci_linux *linux = cfg->linux;
    struct cgroup *cg = *out;

    if (njoin != NULL)
        *njoin = 0;
    int added = 0;
    bool applied = cg != NULL && cgroup_get_mode(cg) == CGROUP_V2; /* by container_cgroup_begin */
    if (cg == NULL) {
        /* not begun: the whole cgroup here */
        cleanup_free char *p = cgroup_resolve_path(linux != NULL ? linux->cgroupsPath : NULL, id, err);
        if (p == NULL)
            return -1;
        cg = cgroup_create(CGROUP_DEFAULT_ROOT, p, err);
        if (cg == NULL)
            return may_go_without(linux, err) ? 0 : -1;
    } else {
        added = cgroup_create_v1(cg, err);
    }
    *out = NULL;
    if (added == 0 && !applied)
        added = cgroup_apply(cg, linux, err);
    if (added == 0)
        added = join_fds != NULL ? cgroup_add_pid_deferred(cg, pid, join_fds, njoin, err)
                                 : cgroup_add_pid(cg, pid, err);
    if (added < 0) {
        cgroup_destroy(cg, true, &(keel_err){ 0 }); /* the error to report is the first one */
        cgroup_free(cg);
        return -1;
    }
    if ((*path = strdup(cgroup_path(cg))) == NULL) {
        cgroup_destroy(cg, true, &(keel_err){ 0 });
        cgroup_free(cg);
        return keel_syserror(err, "cgroup path");
    }
    *out = cg;
    return 0;
}

struct cgroup *container_cgroup_open(const struct container *c, keel_err *err)
{
    if (c->st.cgroupPath == NULL)
        return keel_error(err, ENOENT, "container %s has no cgroup", c->id), NULL;
    return cgroup_open(CGROUP_DEFAULT_ROOT, c->st.cgroupPath, err);
}

bool container_cgroup_paused(const struct container *c)
{
    keel_err err;
    bool frozen = false;

    if (c->st.cgroupPath == NULL)
        return false;
    /* a freezer that cannot be read is not a paused container */
    if (cgroup_path_is_frozen(CGROUP_DEFAULT_ROOT, c->st.cgroupPath, &frozen, &err) < 0)
        return false;
    return frozen;
}

int container_cgroup_kill(const struct container *c, int sig, keel_err *err)
{
    struct cgroup *cg = container_cgroup_open(c, err);
    int rc;

    if (cg == NULL)
        return -1;
    rc = cgroup_kill_all(cg, sig, err);
    cgroup_free(cg);
    return rc;
}

/* Whether the container had a pid namespace of its own: then whatever is
 * left in its cgroup after the init died is being killed by the kernel
 * already, or belongs to someone else sharing the cgroup. */
static bool own_pid_namespace(const struct container *c)
{
    struct oci_config cfg;
    keel_err err;
    bool own = false;

    if (container_load_config(c, &cfg, &err) < 0)
        return false;
    for (size_t i = 0; cfg.linux != NULL && i < cfg.linux->namespaces_len; i++) {
        const struct oci_namespace *ns = &cfg.linux->namespaces[i];
        if (ns->type != NULL && strcmp(ns->type, "pid") == 0 && ns->path == NULL)
            own = true;
    }
    spec_release(&spec_type_oci_config, &cfg);
    return own;
}

int container_cgroup_remove(const struct container *c, bool force, keel_err *err)
{
    cleanup_free pid_t *pids = NULL;
    struct cgroup *cg;
    size_t n = 0;
    int rc;

    if (c->st.cgroupPath == NULL)
        return 0;
    /* the usual delete: the init was reaped and its pid namespace went with it,
     * so the directories are empty and go without being opened or listed */
    if (cgroup_remove_if_empty(CGROUP_DEFAULT_ROOT, c->st.cgroupPath))
        return 0;
    cg = cgroup_open(CGROUP_DEFAULT_ROOT, c->st.cgroupPath, err);
    if (cg == NULL)
        return err->errnum == ENOENT ? 0 : -1;
    /* processes left in a stopped container sharing the host's pid namespace
     * are its own: they go as with runc */
    if (!force && cgroup_pids(cg, &pids, &n, err) == 0 && n > 0)
        force = !own_pid_namespace(c);
    rc = cgroup_destroy(cg, force, err);
    cgroup_free(cg);
    return rc;
}
