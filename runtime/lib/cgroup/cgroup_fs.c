/* The container's directories in cgroupfs, per kind of hierarchy (the v1 ones,
 * the cgroup2 one): made level by level, opened, joined and removed. The
 * managers (cgroup_manager_fs.c) say which kinds a host has. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "cgroup_internal.h"
#include "cgroup_v1.h"

bool cg_has_word(const char *list, const char *word)
{
    size_t len = strlen(word);

    for (const char *p = list; (p = strstr(p, word)) != NULL; p += len) {
        if ((p == list || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' ' || p[len] == '\n'))
            return true;
    }
    return false;
}

/* v2: lets the children of dir use every controller dir has. */
static int enable_controllers(const struct cg_dir *dir, keel_err *err)
{
    char avail[512], enabled[512], want[1024];
    size_t k = 0;

    if (cg_read(dir, "cgroup.controllers", avail, sizeof avail, err) < 0)
        return err->errnum == ENOENT ? 0 : -1;
    if (cg_read(dir, "cgroup.subtree_control", enabled, sizeof enabled, err) < 0)
        return err->errnum == ENOENT ? 0 : -1;
    want[0] = '\0';
    for (char *save = NULL, *c = strtok_r(avail, " ", &save); c != NULL; c = strtok_r(NULL, " ", &save)) {
        if (!cg_has_word(enabled, c) && k + strlen(c) + 3 < sizeof want)
            k += (size_t)snprintf(want + k, sizeof want - k, "%s+%s", k ? " " : "", c);
    }
    if (k == 0 || cg_write(dir, "cgroup.subtree_control", want, err) == 0)
        return 0;
    /* some controller refused (a threaded or busy parent): enable what can be */
    for (char *save = NULL, *c = strtok_r(want, " ", &save); c != NULL; c = strtok_r(NULL, " ", &save))
        cg_write(dir, "cgroup.subtree_control", c, &(keel_err){ 0 }); /* apply reports the gaps */
    return 0;
}

enum hier_kind { HIER_V1, HIER_V1_CPUSET, HIER_V2 };

static int open_dir(struct cg_dir *d, const char *path, keel_err *err)
{
    d->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d->fd < 0)
        return keel_syserror(err, "open cgroup %s", path);
    d->path = strdup(path);
    if (d->path == NULL)
        return keel_syserror(err, "open cgroup %s", path);
    return 0;
}

void cg_dir_close(struct cg_dir *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
    free(d->path);
    d->path = NULL;
}

/* Removes the deepest `levels` directories of path (the ones create made). */
static void remove_levels(const char *path, int levels)
{
    char buf[4096];

    snprintf(buf, sizeof buf, "%s", path);
    for (int i = 0; i < levels; i++) {
        char *slash = strrchr(buf, '/');
        if (rmdir(buf) < 0 || slash == NULL)
            return;
        *slash = '\0';
    }
}

/* Makes hier/cg->path level by level, preparing each parent for its child
 * (v2 controllers, v1 cpuset values). *made counts the directories made. */
static int make_hierarchy(const char *hier, const char *path, enum hier_kind kind,
                          struct cg_dir *out, int *made, keel_err *err)
{
    char cur[4096];
    struct cg_dir parent = { -1, NULL };
    int rc = -1;

    *made = 0;
    snprintf(cur, sizeof cur, "%s", hier);
    if (open_dir(&parent, cur, err) < 0)
        goto out;
    for (const char *p = path + 1; *p != '\0';) {
        size_t len = strcspn(p, "/");
        struct cg_dir child = { -1, NULL };
        size_t curlen = strlen(cur);

        if (curlen + 1 + len >= sizeof cur) {
            keel_error(err, ENAMETOOLONG, "cgroup %s%s", hier, path);
            goto out;
        }
        snprintf(cur + curlen, sizeof cur - curlen, "/%.*s", (int)len, p);
        if (kind == HIER_V2 && enable_controllers(&parent, err) < 0)
            goto out;
        if (mkdir(cur, 0755) == 0)
            (*made)++;
        else if (errno != EEXIST) {
            keel_syserror(err, "mkdir %s", cur);
            goto out;
        }
        if (open_dir(&child, cur, err) < 0) {
            cg_dir_close(&child);
            goto out;
        }
        if (kind == HIER_V1_CPUSET && cg_v1_cpuset_inherit(&parent, &child, NULL, err) < 0) {
            cg_dir_close(&child);
            goto out;
        }
        cg_dir_close(&parent);
        parent = child;
        p += len + (p[len] == '/');
    }
    *out = parent;
    parent.fd = -1;
    parent.path = NULL;
    rc = 0;
out:
    cg_dir_close(&parent);
    return rc;
}

static int read_unified_controllers(struct cgroup *cg, keel_err *err)
{
    if (cg->unified.fd < 0)
        return 0;
    if (cg_read(&cg->unified, "cgroup.controllers", cg->unified_controllers,
                sizeof cg->unified_controllers, err) < 0 && err->errnum != ENOENT)
        return -1;
    return 0;
}

/* Visits every hierarchy the mode has (of the kinds asked for): fn(cg,
 * hier_root, kind, dir). */
typedef int (*hier_fn)(struct cgroup *cg, const char *hier, enum hier_kind kind,
                       struct cg_dir *dir, keel_err *err);

static int each_hierarchy_of(struct cgroup *cg, int which, hier_fn fn, keel_err *err)
{
    char hier[4096];

    if (which & CG_HIERS_V1) {
        for (size_t i = 0; i < cg_v1_ncontrollers; i++) {
            struct stat st;

            snprintf(hier, sizeof hier, "%s/%s", cg->root, cg_v1_controllers[i].name);
            if (stat(hier, &st) < 0 || !S_ISDIR(st.st_mode))
                continue; /* not mounted on this host */
            if (fn(cg, hier, strcmp(cg_v1_controllers[i].name, "cpuset") == 0 ? HIER_V1_CPUSET
                                                                                : HIER_V1,
                   &cg->v1[i], err) < 0)
                return -1;
        }
    }
    if (which & CG_HIERS_V2) {
        snprintf(hier, sizeof hier, cg->mode == CGROUP_V2 ? "%s" : "%s/unified", cg->root);
        if (fn(cg, hier, HIER_V2, &cg->unified, err) < 0)
            return -1;
    }
    return 0;
}

/* A new cpuset leaf takes its parent's cpus and mems; *ready is false when
 * the parent has none (the long way then prepares the levels above). */
static int cpuset_from_parent(const char *full, const struct cg_dir *leaf, bool *ready,
                              keel_err *err)
{
    char path[4096];
    struct cg_dir parent = { -1, path };
    int rc;

    snprintf(path, sizeof path, "%s", full);
    *strrchr(path, '/') = '\0';
    parent.fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (parent.fd < 0)
        return keel_syserror(err, "open cgroup %s", path);
    rc = cg_v1_cpuset_inherit(&parent, leaf, ready, err);
    close(parent.fd);
    return rc;
}

/* The common case, a new leaf under a parent that is ready, in a few calls:
 * 1 when made, 0 to take the long way, -1 on error; nothing is left made
 * unless it returns 1. v2 parents need their controllers enabled level by
 * level, so they always take the long way. */
static int create_leaf(const char *full, enum hier_kind kind, struct cg_dir *dir, keel_err *err)
{
    bool ready = true;
    int rc;

    if (kind == HIER_V2 || mkdir(full, 0755) < 0)
        return 0; /* the long way says why, if it fails too */
    rc = open_dir(dir, full, err);
    if (rc == 0 && kind == HIER_V1_CPUSET)
        rc = cpuset_from_parent(full, dir, &ready, err);
    if (rc == 0 && ready)
        return 1;
    cg_dir_close(dir);
    rmdir(full);
    return rc < 0 ? -1 : 0;
}

static int create_one(struct cgroup *cg, const char *hier, enum hier_kind kind,
                      struct cg_dir *dir, keel_err *err)
{
    char full[4096];
    int made = 0;
    int leaf;

    snprintf(full, sizeof full, "%s%s", hier, cg->path);
    if ((leaf = create_leaf(full, kind, dir, err)) != 0)
        return leaf > 0 ? 0 : -1;
    if (make_hierarchy(hier, cg->path, kind, dir, &made, err) == 0)
        return 0;
    remove_levels(full, made);
    return -1;
}

/* A v1 hierarchy without the directory is skipped (mounted after create, or
 * half removed): what is there can still be used and removed. */
static int open_one(struct cgroup *cg, const char *hier, enum hier_kind kind,
                    struct cg_dir *dir, keel_err *err)
{
    char full[4096];

    snprintf(full, sizeof full, "%s%s", hier, cg->path);
    if (open_dir(dir, full, err) == 0)
        return 0;
    cg_dir_close(dir);
    return err->errnum == ENOENT && kind != HIER_V2 ? 0 : -1;
}

/* Whether cg has a directory in any hierarchy of the kinds given. */
static bool any_open(const struct cgroup *cg, int which)
{
    for (size_t i = 0; (which & CG_HIERS_V1) && i < CG_V1_MAX; i++) {
        if (cg->v1[i].fd >= 0)
            return true;
    }
    return (which & CG_HIERS_V2) && cg->unified.fd >= 0;
}

/* What create undoes on failure: the leaf of every hierarchy (of the kinds
 * given) made so far. Parents shared with other containers ("/keel") stay. */
void cg_fs_undo_create(struct cgroup *cg, int which)
{
    for (size_t i = 0; (which & CG_HIERS_V1) && i < CG_V1_MAX; i++) {
        if (cg->v1[i].path != NULL)
            rmdir(cg->v1[i].path);
        cg_dir_close(&cg->v1[i]);
    }
    if ((which & CG_HIERS_V2) && cg->unified.path != NULL)
        rmdir(cg->unified.path);
}

int cg_fs_create(struct cgroup *cg, int which, keel_err *err)
{
    if (each_hierarchy_of(cg, which, create_one, err) < 0 ||
        ((which & CG_HIERS_V2) && read_unified_controllers(cg, err) < 0)) {
        cg_fs_undo_create(cg, which);
        return keel_error_wrap(err, "create cgroup %s", cg->path);
    }
    return 0;
}

int cg_fs_open(struct cgroup *cg, int which, keel_err *err)
{
    if (each_hierarchy_of(cg, which, open_one, err) < 0 ||
        ((which & CG_HIERS_V2) && read_unified_controllers(cg, err) < 0))
        return -1;
    if (!any_open(cg, which))
        return keel_error(err, ENOENT, "cgroup %s: not found under %s", cg->path, cg->root);
    return 0;
}

/* rmdir of a cgroup tree, children first. Processes that were just killed
 * leave the cgroup a moment later: EBUSY is retried for up to a second. */
static int remove_tree(const char *path, keel_err *err)
{
    cleanup_dir DIR *dir = NULL;
    struct dirent *de;
    struct timespec pause = { 0, 5000000 };

    if (rmdir(path) == 0 || errno == ENOENT)
        return 0; /* no sub-cgroups, nothing running: the usual delete */
    dir = opendir(path);
    if (dir == NULL)
        return errno == ENOENT ? 0 : keel_syserror(err, "open %s", path);
    while ((de = readdir(dir)) != NULL) {
        cleanup_free char *sub = NULL;

        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        if (asprintf(&sub, "%s/%s", path, de->d_name) < 0)
            return keel_syserror(err, "remove %s", path);
        if (remove_tree(sub, err) < 0)
            return -1;
    }
    for (int i = 0; rmdir(path) < 0; i++) {
        if (errno == ENOENT)
            return 0;
        if (errno != EBUSY || i == 200)
            return keel_syserror(err, "rmdir %s", path);
        nanosleep(&pause, NULL);
    }
    return 0;
}

int cg_fs_remove(struct cgroup *cg, int which, keel_err *err)
{
    for (size_t i = 0; (which & CG_HIERS_V1) && i < CG_V1_MAX; i++) {
        if (cg->v1[i].fd >= 0 && remove_tree(cg->v1[i].path, err) < 0)
            return -1;
    }
    if ((which & CG_HIERS_V2) && cg->unified.fd >= 0 && remove_tree(cg->unified.path, err) < 0)
        return -1;
    return 0;
}

bool cg_fs_remove_if_empty(const char *root, const char *path, int which, const char *unified)
{
    char dir[4096];

    /* ENOENT: a hierarchy not mounted here, or the directory removed already */
    for (size_t i = 0; (which & CG_HIERS_V1) && i < cg_v1_ncontrollers; i++) {
        snprintf(dir, sizeof dir, "%s/%s%s", root, cg_v1_controllers[i].name, path);
        if (rmdir(dir) < 0 && errno != ENOENT)
            return false;
    }
    if (which & CG_HIERS_V2) {
        snprintf(dir, sizeof dir, "%s%s%s", root, unified, path);
        if (rmdir(dir) < 0 && errno != ENOENT)
            return false;
    }
    return true;
}

int cg_fs_add_pid(struct cgroup *cg, int which, pid_t pid, keel_err *err)
{
    for (size_t i = 0; (which & CG_HIERS_V1) && i < CG_V1_MAX; i++) {
        if (cg->v1[i].fd >= 0 && cg_writef(&cg->v1[i], "cgroup.procs", err, "%d", (int)pid) < 0)
            return -1;
    }
    if ((which & CG_HIERS_V2) && cg->unified.fd >= 0 &&
        cg_writef(&cg->unified, "cgroup.procs", err, "%d", (int)pid) < 0)
        return -1;
    return 0;
}

int cg_fs_open_tasks(struct cgroup *cg, int *fds, size_t *n, keel_err *err)
{
    *n = 0;
    for (size_t i = 0; i < CG_V1_MAX; i++) {
        if (cg->v1[i].fd < 0)
            continue;
        if (*n == CGROUP_MAX_JOIN_FDS) {
            keel_error(err, E2BIG, "too many cgroup hierarchies");
            goto fail;
        }
        int fd = openat(cg->v1[i].fd, "tasks", O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            keel_syserror(err, "open %s/tasks", cg->v1[i].path);
            goto fail;
        }
        fds[(*n)++] = fd;
    }
    return 0;
fail:
    while (*n > 0)
        close(fds[--*n]);
    return -1;
}

struct cg_dir *cg_v1_dir(struct cgroup *cg, const char *name)
{
    for (size_t i = 0; i < cg_v1_ncontrollers; i++) {
        if (strcmp(cg_v1_controllers[i].name, name) == 0)
            return cg->v1[i].fd >= 0 ? &cg->v1[i] : NULL;
    }
    return NULL;
}

