/* The container's cgroup across v1, v2 and hybrid hosts: the host's layout,
 * the container's path, and the entry points that make, open, join and
 * remove its directories through the manager chosen for the host. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_internal.h"

static bool file_exists(const char *dir, const char *sub)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/%s", dir, sub);
    return access(path, F_OK) == 0;
}

int cgroup_detect_mode(const char *root, enum cgroup_mode *mode, keel_err *err)
{
    struct stat st;

    if (stat(root, &st) < 0)
        return keel_syserror(err, "cgroup root %s", root);
    if (file_exists(root, "cgroup.controllers"))
        *mode = CGROUP_V2;
    else if (file_exists(root, "unified/cgroup.controllers"))
        *mode = CGROUP_HYBRID;
    else
        *mode = CGROUP_V1;
    return 0;
}

const char *cgroup_mode_name(enum cgroup_mode mode)
{
    switch (mode) {
    case CGROUP_V1: return "v1";
    case CGROUP_V2: return "v2";
    case CGROUP_HYBRID: return "hybrid";
    }
    return "?";
}

char *cgroup_resolve_path(const char *cgroups_path, const char *id, keel_err *err)
{
    char *out;
    int n;

    if (cgroups_path == NULL || cgroups_path[0] == '\0') {
        if (id == NULL || id[0] == '\0' || strchr(id, '/') != NULL)
            return keel_error(err, EINVAL, "no cgroup path for container id \"%s\"", id ? id : ""), NULL;
        n = asprintf(&out, "/keel/%s", id);
    } else {
        if (strchr(cgroups_path, ':') != NULL)
            return keel_error(err, EINVAL, "linux.cgroupsPath \"%s\": systemd slices need "
                              "--systemd-cgroup, which keel does not support", cgroups_path), NULL;
        n = asprintf(&out, cgroups_path[0] == '/' ? "%s" : "/keel/%s", cgroups_path);
    }
    if (n < 0)
        return keel_syserror(err, "cgroup path"), NULL;
    /* "." and ".." would leave the hierarchy; "//" and a trailing "/" are noise */
    while (strlen(out) > 1 && out[strlen(out) - 1] == '/')
        out[strlen(out) - 1] = '\0';
    for (char *p = out + 1; *p != '\0';) {
        size_t len = strcspn(p, "/");
        if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
            keel_error(err, EINVAL, "linux.cgroupsPath \"%s\": \".\", \"..\" and empty components "
                       "are not allowed", cgroups_path ? cgroups_path : out);
            free(out);
            return NULL;
        }
        p += len + (p[len] == '/');
    }
    if (strcmp(out, "/") == 0) {
        free(out);
        return keel_error(err, EINVAL, "linux.cgroupsPath: the root cgroup cannot be a container's"), NULL;
    }
    return out;
}

const struct cgroup_manager *cgroup_manager_for(enum cgroup_mode mode)
{
    switch (mode) {
    case CGROUP_V1: return &cgroup_manager_v1;
    case CGROUP_V2: return &cgroup_manager_v2;
    case CGROUP_HYBRID: return &cgroup_manager_hybrid;
    }
    return &cgroup_manager_v1;
}

static struct cgroup *cg_alloc(const char *root, const char *path, keel_err *err)
{
    struct cgroup *cg = calloc(1, sizeof *cg);

    if (cg == NULL)
        return keel_syserror(err, "allocate cgroup"), NULL;
    for (size_t i = 0; i < CG_V1_MAX; i++)
        cg->v1[i].fd = -1;
    cg->unified.fd = -1;
    cg->root = strdup(root);
    cg->path = strdup(path);
    if (cg->root == NULL || cg->path == NULL) {
        cgroup_free(cg);
        return keel_syserror(err, "allocate cgroup"), NULL;
    }
    if (cgroup_detect_mode(root, &cg->mode, err) < 0) {
        cgroup_free(cg);
        return NULL;
    }
    cg->manager = cgroup_manager_for(cg->mode);
    return cg;
}

void cgroup_free(struct cgroup *cg)
{
    if (cg == NULL)
        return;
    for (size_t i = 0; i < CG_V1_MAX; i++)
        cg_dir_close(&cg->v1[i]);
    cg_dir_close(&cg->unified);
    free(cg->root);
    free(cg->path);
    free(cg);
}

const char *cgroup_path(const struct cgroup *cg)
{
    return cg->path;
}

enum cgroup_mode cgroup_get_mode(const struct cgroup *cg)
{
    return cg->mode;
}

bool cgroup_in_every_hierarchy_of(const struct cgroup *cg, const struct cgroup *other)
{
    for (size_t i = 0; i < CG_V1_MAX; i++) {
        if (other->v1[i].fd >= 0 && cg->v1[i].fd < 0)
            return false;
    }
    return other->unified.fd < 0 || cg->unified.fd >= 0;
}

struct cgroup *cgroup_create(const char *root, const char *path, keel_err *err)
{
    struct cgroup *cg = cgroup_create_unified(root, path, err);

    if (cg == NULL)
        return NULL;
    if (cgroup_create_v1(cg, err) < 0) {
        cg->manager->undo_early(cg);
        cgroup_free(cg);
        return NULL;
    }
    return cg;
}

/* A struct cgroup at path on which the manager's first step succeeded:
 * making its directories (create_early), or opening them. */
static struct cgroup *cg_begin(const char *root, const char *path, bool create, keel_err *err)
{
    struct cgroup *cg = cg_alloc(root, path, err);

    if (cg == NULL)
        return NULL;
    if ((create ? cg->manager->create_early(cg, err) : cg->manager->open(cg, err)) < 0) {
        cgroup_free(cg);
        return NULL;
    }
    return cg;
}

struct cgroup *cgroup_create_unified(const char *root, const char *path, keel_err *err)
{
    return cg_begin(root, path, true, err);
}

int cgroup_create_v1(struct cgroup *cg, keel_err *err)
{
    return cg->manager->create_late(cg, err);
}

int cgroup_unified_fd(const struct cgroup *cg)
{
    return cg->unified.fd;
}

void cgroup_set_unified_joined(struct cgroup *cg)
{
    cg->unified_joined = true;
}

struct cgroup *cgroup_open(const char *root, const char *path, keel_err *err)
{
    return cg_begin(root, path, false, err);
}

int cgroup_add_pid(struct cgroup *cg, pid_t pid, keel_err *err)
{
    return cg->manager->add_pid(cg, pid, err);
}

int cgroup_add_pid_deferred(struct cgroup *cg, pid_t pid, int *fds, size_t *n, keel_err *err)
{
    return cg->manager->add_pid_deferred(cg, pid, fds, n, err);
}

int cgroup_join_self(const int *fds, size_t n, keel_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (write(fds[i], "0", 1) != 1) {
            int e = errno;
            char link[64], path[4096] = "?";
            snprintf(link, sizeof link, "/proc/self/fd/%d", fds[i]);
            ssize_t len = readlink(link, path, sizeof path - 1);
            path[len > 0 ? len : 1] = '\0';
            return keel_error(err, e, "write %s=0", path);
        }
    }
    return 0;
}

int cgroup_add_self(struct cgroup *cg, keel_err *err)
{
    int fds[CGROUP_MAX_JOIN_FDS];
    size_t n = 0;
    int rc = cgroup_add_pid_deferred(cg, getpid(), fds, &n, err);

    if (rc == 0)
        rc = cgroup_join_self(fds, n, err);
    while (n > 0)
        close(fds[--n]);
    return rc;
}

int cgroup_destroy(struct cgroup *cg, bool force, keel_err *err)
{
    if (force && cgroup_kill_all(cg, SIGKILL, err) < 0)
        return keel_error_wrap(err, "destroy cgroup %s", cg->path);
    return cg->manager->destroy(cg, err);
}

bool cgroup_remove_if_empty(const char *root, const char *path)
{
    enum cgroup_mode mode;
    keel_err err;

    if (cgroup_detect_mode(root, &mode, &err) < 0)
        return false; /* cgroup_open says why */
    const struct cgroup_manager *m = cgroup_manager_for(mode);
    return m->remove_if_empty(m, root, path);
}
