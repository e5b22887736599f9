/* What the lifecycle does to a whole cgroup, whichever manager made it:
 * list its processes, freeze and thaw it, signal everything in it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "cgroup_internal.h"
#include "cgroup_v1.h"
#include "cgroup_v2.h"

/* The directory whose cgroup.procs lists the container's processes. */
static const struct cg_dir *procs_dir(struct cgroup *cg)
{
    static const char *const prefer[] = { "pids", "freezer", "memory", "cpu", "devices" };

    if (cg->mode == CGROUP_V2)
        return &cg->unified;
    for (size_t i = 0; i < sizeof prefer / sizeof prefer[0]; i++) {
        const struct cg_dir *d = cg_v1_dir(cg, prefer[i]);
        if (d != NULL)
            return d;
    }
    for (size_t i = 0; i < CG_V1_MAX; i++) {
        if (cg->v1[i].fd >= 0)
            return &cg->v1[i];
    }
    return cg->unified.fd >= 0 ? &cg->unified : NULL;
}

static int collect_pids(const struct cg_dir *d, pid_t **pids, size_t *n, keel_err *err)
{
    cleanup_fclose FILE *f = NULL;
    cleanup_dir DIR *dir = NULL;
    int fd = openat(d->fd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
    struct dirent *de;
    long pid;

    if (fd < 0 || (f = fdopen(fd, "r")) == NULL) {
        if (fd >= 0)
            close(fd);
        return keel_syserror(err, "read %s/cgroup.procs", d->path);
    }
    while (fscanf(f, "%ld", &pid) == 1) {
        pid_t *grown = realloc(*pids, (*n + 1) * sizeof *grown);
        if (grown == NULL)
            return keel_syserror(err, "list pids");
        *pids = grown;
        grown[(*n)++] = (pid_t)pid;
    }
    fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
        if (fd >= 0)
            close(fd);
        return keel_syserror(err, "open %s", d->path);
    }
    while ((de = readdir(dir)) != NULL) {
        struct cg_dir sub = { -1, NULL };
        int rc;

        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        sub.fd = openat(d->fd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sub.fd < 0 || asprintf(&sub.path, "%s/%s", d->path, de->d_name) < 0) {
            sub.path = NULL;
            cg_dir_close(&sub);
            return keel_syserror(err, "open %s/%s", d->path, de->d_name);
        }
        rc = collect_pids(&sub, pids, n, err);
        cg_dir_close(&sub);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, keel_err *err)
{
    const struct cg_dir *d = procs_dir(cg);

    *pids = NULL;
    *n = 0;
    if (d == NULL)
        return keel_error(err, ENOENT, "cgroup %s: no hierarchy to list processes from", cg->path);
    if (collect_pids(d, pids, n, err) < 0) {
        free(*pids);
        *pids = NULL;
        return -1;
    }
    return 0;
}

static const struct cg_dir *freezer_dir(struct cgroup *cg, bool *v2)
{
    const struct cg_dir *d = cg->mode == CGROUP_V2 ? NULL : cg_v1_dir(cg, "freezer");

    *v2 = d == NULL;
    if (d == NULL && cg->unified.fd >= 0 && cg_exists(&cg->unified, "cgroup.freeze"))
        d = &cg->unified;
    return d;
}

int cgroup_freeze(struct cgroup *cg, bool frozen, keel_err *err)
{
    bool v2;
    const struct cg_dir *d = freezer_dir(cg, &v2);

    if (d == NULL)
        return keel_error(err, ENOTSUP, "cgroup %s: no freezer", cg->path);
    return v2 ? cg_v2_freeze_set(d, frozen, err) : cg_v1_freezer_set(d, frozen, err);
}

int cgroup_is_frozen(struct cgroup *cg, bool *frozen, keel_err *err)
{
    bool v2;
    const struct cg_dir *d = freezer_dir(cg, &v2);

    *frozen = false;
    if (d == NULL)
        return 0;
    return v2 ? cg_v2_freeze_get(d, frozen, err) : cg_v1_freezer_get(d, frozen, err);
}

int cgroup_path_is_frozen(const char *root, const char *path, bool *frozen, keel_err *err)
{
    enum cgroup_mode mode;
    char dir[4096];
    struct cg_dir d = { -1, dir };
    int rc;

    *frozen = false;
    if (cgroup_detect_mode(root, &mode, err) < 0)
        return -1;
    snprintf(dir, sizeof dir, mode == CGROUP_V2 ? "%s%s" : "%s/freezer%s", root, path);
    d.fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d.fd < 0)
        return errno == ENOENT ? 0 : keel_syserror(err, "open cgroup %s", dir);
    rc = mode == CGROUP_V2 ? cg_v2_freeze_get(&d, frozen, err) : cg_v1_freezer_get(&d, frozen, err);
    close(d.fd);
    return rc;
}

int cgroup_kill_all(struct cgroup *cg, int sig, keel_err *err)
{
    cleanup_free pid_t *pids = NULL;
    size_t n = 0;
    bool v2, frozen;
    int rc = 0;

    if (sig == SIGKILL && cg->mode == CGROUP_V2 && cg_exists(&cg->unified, "cgroup.kill"))
        return cg_write(&cg->unified, "cgroup.kill", "1", err);
    /* an empty cgroup (the usual delete, once the init's pid namespace is
     * gone) has no process to signal and none that could fork: no freeze */
    if (cgroup_pids(cg, &pids, &n, err) < 0)
        return -1;
    if (n == 0)
        return 0;
    free(pids);
    pids = NULL;
    n = 0;
    /* frozen, nothing forks a child the signal would miss */
    frozen = freezer_dir(cg, &v2) != NULL && cgroup_freeze(cg, true, &(keel_err){ 0 }) == 0;
    if (cgroup_pids(cg, &pids, &n, err) < 0)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (kill(pids[i], sig) < 0 && errno != ESRCH)
            rc = keel_syserror(err, "kill %d", (int)pids[i]);
    }
    if (frozen && cgroup_freeze(cg, false, rc == 0 ? err : &(keel_err){ 0 }) < 0)
        rc = -1;
    return rc;
}

