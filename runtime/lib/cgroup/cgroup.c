/* The container's cgroup across v1, v2 and hybrid hosts: making, opening and
 * removing its directories, and dispatching to the per-version controllers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "cgroup_internal.h"
#include "cgroup_v1.h"
#include "cgroup_v2.h"

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
    return cg;
}

static void dir_close(struct cg_dir *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
    free(d->path);
    d->path = NULL;
}

void cgroup_free(struct cgroup *cg)
{
    if (cg == NULL)
        return;
    for (size_t i = 0; i < CG_V1_MAX; i++)
        dir_close(&cg->v1[i]);
    dir_close(&cg->unified);
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

static bool has_word(const char *list, const char *word)
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
        if (!has_word(enabled, c) && k + strlen(c) + 3 < sizeof want)
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
            dir_close(&child);
            goto out;
        }
        if (kind == HIER_V1_CPUSET && cg_v1_cpuset_inherit(&parent, &child, NULL, err) < 0) {
            dir_close(&child);
            goto out;
        }
        dir_close(&parent);
        parent = child;
        p += len + (p[len] == '/');
    }
    *out = parent;
    parent.fd = -1;
    parent.path = NULL;
    rc = 0;
out:
    dir_close(&parent);
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
enum { HIERS_V1 = 1, HIERS_V2 = 2, HIERS_ALL = 3 };

static int each_hierarchy_of(struct cgroup *cg, int which, hier_fn fn, keel_err *err)
{
    char hier[4096];

    if (cg->mode != CGROUP_V2 && (which & HIERS_V1)) {
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
    if (cg->mode != CGROUP_V1 && (which & HIERS_V2)) {
        snprintf(hier, sizeof hier, cg->mode == CGROUP_V2 ? "%s" : "%s/unified", cg->root);
        if (fn(cg, hier, HIER_V2, &cg->unified, err) < 0)
            return -1;
    }
    return 0;
}

static int each_hierarchy(struct cgroup *cg, hier_fn fn, keel_err *err)
{
    return each_hierarchy_of(cg, HIERS_ALL, fn, err);
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
    dir_close(dir);
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
    dir_close(dir);
    return err->errnum == ENOENT && kind != HIER_V2 ? 0 : -1;
}

static bool any_open(const struct cgroup *cg)
{
    for (size_t i = 0; i < CG_V1_MAX; i++) {
        if (cg->v1[i].fd >= 0)
            return true;
    }
    return cg->unified.fd >= 0;
}

bool cgroup_in_every_hierarchy_of(const struct cgroup *cg, const struct cgroup *other)
{
    for (size_t i = 0; i < CG_V1_MAX; i++) {
        if (other->v1[i].fd >= 0 && cg->v1[i].fd < 0)
            return false;
    }
    return other->unified.fd < 0 || cg->unified.fd >= 0;
}

/* What create undoes on failure: the leaf of every hierarchy (of the kinds
 * given) made so far. Parents shared with other containers ("/keel") stay. */
static void undo_create(struct cgroup *cg, int which)
{
    for (size_t i = 0; (which & HIERS_V1) && i < CG_V1_MAX; i++) {
        if (cg->v1[i].path != NULL)
            rmdir(cg->v1[i].path);
        dir_close(&cg->v1[i]);
    }
    if ((which & HIERS_V2) && cg->unified.path != NULL)
        rmdir(cg->unified.path);
}

struct cgroup *cgroup_create(const char *root, const char *path, keel_err *err)
{
    struct cgroup *cg = cgroup_create_unified(root, path, err);

    if (cg == NULL)
        return NULL;
    if (cgroup_create_v1(cg, err) < 0) {
        undo_create(cg, HIERS_V2);
        cgroup_free(cg);
        return NULL;
    }
    return cg;
}

struct cgroup *cgroup_create_unified(const char *root, const char *path, keel_err *err)
{
    struct cgroup *cg = cg_alloc(root, path, err);

    if (cg == NULL)
        return NULL;
    if (each_hierarchy_of(cg, HIERS_V2, create_one, err) < 0 ||
        read_unified_controllers(cg, err) < 0) {
        undo_create(cg, HIERS_V2);
        cgroup_free(cg);
        return keel_error_wrap(err, "create cgroup %s", path), NULL;
    }
    return cg;
}

int cgroup_create_v1(struct cgroup *cg, keel_err *err)
{
    if (each_hierarchy_of(cg, HIERS_V1, create_one, err) < 0) {
        undo_create(cg, HIERS_V1);
        return keel_error_wrap(err, "create cgroup %s", cg->path);
    }
    return 0;
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
    struct cgroup *cg = cg_alloc(root, path, err);

    if (cg == NULL)
        return NULL;
    if (each_hierarchy(cg, open_one, err) < 0 || read_unified_controllers(cg, err) < 0) {
        cgroup_free(cg);
        return NULL;
    }
    if (!any_open(cg)) {
        keel_error(err, ENOENT, "cgroup %s: not found under %s", path, root);
        cgroup_free(cg);
        return NULL;
    }
    return cg;
}

static struct cg_dir *v1_dir(struct cgroup *cg, const char *name)
{
    for (size_t i = 0; i < cg_v1_ncontrollers; i++) {
        if (strcmp(cg_v1_controllers[i].name, name) == 0)
            return cg->v1[i].fd >= 0 ? &cg->v1[i] : NULL;
    }
    return NULL;
}

/* Whether a v2 table entry serves this cgroup: always on v2; on hybrid only
 * where its v1 hierarchy is missing and the unified side has the controller. */
static bool v2_serves(struct cgroup *cg, const struct cg_controller *c)
{
    if (cg->mode == CGROUP_V2)
        return true;
    if (cg->mode == CGROUP_V1 || c->name == NULL || c->v1_name == NULL)
        return false;
    return v1_dir(cg, c->v1_name) == NULL && has_word(cg->unified_controllers, c->name);
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
        if (cg->unified.fd >= 0 && v2_serves(cg, &cg_v2_controllers[i]) &&
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

int cgroup_add_pid(struct cgroup *cg, pid_t pid, keel_err *err)
{
    for (size_t i = 0; i < CG_V1_MAX; i++) {
        if (cg->v1[i].fd >= 0 && cg_writef(&cg->v1[i], "cgroup.procs", err, "%d", (int)pid) < 0)
            return -1;
    }
    if (cg->unified.fd >= 0 && cg_writef(&cg->unified, "cgroup.procs", err, "%d", (int)pid) < 0)
        return -1;
    return 0;
}

int cgroup_add_pid_deferred(struct cgroup *cg, pid_t pid, int *fds, size_t *n, keel_err *err)
{
    *n = 0;
    for (size_t i = 0; i < CG_V1_MAX; i++) {
        if (cg->v1[i].fd < 0)
            continue;
        if (*n == CGROUP_MAX_JOIN_FDS)
            return keel_error(err, E2BIG, "too many cgroup hierarchies");
        int fd = openat(cg->v1[i].fd, "tasks", O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            keel_syserror(err, "open %s/tasks", cg->v1[i].path);
            goto fail;
        }
        fds[(*n)++] = fd;
    }
    if (cg->unified.fd >= 0 && !cg->unified_joined &&
        cg_writef(&cg->unified, "cgroup.procs", err, "%d", (int)pid) < 0)
        goto fail;
    return 0;
fail:
    while (*n > 0)
        close(fds[--*n]);
    return -1;
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
    for (size_t i = 0; i < CG_V1_MAX; i++) {
        if (cg->v1[i].fd >= 0 && cg_write(&cg->v1[i], "tasks", "0", err) < 0)
            return -1;
    }
    if (cg->unified.fd >= 0 && !cg->unified_joined &&
        cg_writef(&cg->unified, "cgroup.procs", err, "%d", (int)getpid()) < 0)
        return -1;
    return 0;
}

/* The directory whose cgroup.procs lists the container's processes. */
static const struct cg_dir *procs_dir(struct cgroup *cg)
{
    static const char *const prefer[] = { "pids", "freezer", "memory", "cpu", "devices" };

    if (cg->mode == CGROUP_V2)
        return &cg->unified;
    for (size_t i = 0; i < sizeof prefer / sizeof prefer[0]; i++) {
        const struct cg_dir *d = v1_dir(cg, prefer[i]);
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
            dir_close(&sub);
            return keel_syserror(err, "open %s/%s", d->path, de->d_name);
        }
        rc = collect_pids(&sub, pids, n, err);
        dir_close(&sub);
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
    const struct cg_dir *d = cg->mode == CGROUP_V2 ? NULL : v1_dir(cg, "freezer");

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

int cgroup_destroy(struct cgroup *cg, bool force, keel_err *err)
{
    if (force && cgroup_kill_all(cg, SIGKILL, err) < 0)
        return keel_error_wrap(err, "destroy cgroup %s", cg->path);
    for (size_t i = 0; i < CG_V1_MAX; i++) {
        if (cg->v1[i].fd >= 0 && remove_tree(cg->v1[i].path, err) < 0)
            return -1;
    }
    if (cg->unified.fd >= 0 && remove_tree(cg->unified.path, err) < 0)
        return -1;
    return 0;
}

bool cgroup_remove_if_empty(const char *root, const char *path)
{
    enum cgroup_mode mode;
    keel_err err;
    char dir[4096];

    if (cgroup_detect_mode(root, &mode, &err) < 0)
        return false; /* cgroup_open says why */
    /* ENOENT: a hierarchy not mounted here, or the directory removed already */
    for (size_t i = 0; mode != CGROUP_V2 && i < cg_v1_ncontrollers; i++) {
        snprintf(dir, sizeof dir, "%s/%s%s", root, cg_v1_controllers[i].name, path);
        if (rmdir(dir) < 0 && errno != ENOENT)
            return false;
    }
    if (mode != CGROUP_V1) {
        snprintf(dir, sizeof dir, mode == CGROUP_V2 ? "%s%s" : "%s/unified%s", root, path);
        if (rmdir(dir) < 0 && errno != ENOENT)
            return false;
    }
    return true;
}

int cgroup_stats(struct cgroup *cg, struct runc_stats *stats, keel_err *err)
{
    memset(stats, 0, sizeof *stats);
    for (size_t i = 0; cg->mode != CGROUP_V2 && i < cg_v1_ncontrollers; i++) {
        if (cg->v1[i].fd >= 0 && cg_v1_controllers[i].stats != NULL &&
            cg_v1_controllers[i].stats(&cg->v1[i], stats, err) < 0)
            goto fail;
    }
    for (size_t i = 0; cg->unified.fd >= 0 && i < cg_v2_ncontrollers; i++) {
        if (cg_v2_controllers[i].stats != NULL && v2_serves(cg, &cg_v2_controllers[i]) &&
            cg_v2_controllers[i].stats(&cg->unified, stats, err) < 0)
            goto fail;
    }
    return 0;
fail:
    spec_release(&spec_type_runc_stats, stats);
    return keel_error_wrap(err, "stats of cgroup %s", cg->path);
}

int cgroup_oom_watch(struct cgroup *cg, keel_err *err)
{
    const struct cg_dir *mem = cg->mode == CGROUP_V2 ? NULL : v1_dir(cg, "memory");

    if (mem != NULL) {
        cleanup_close int efd = eventfd(0, EFD_CLOEXEC);
        cleanup_close int ofd = openat(mem->fd, "memory.oom_control", O_RDONLY | O_CLOEXEC);

        if (efd < 0 || ofd < 0)
            return keel_syserror(err, "watch %s/memory.oom_control", mem->path);
        if (cg_writef(mem, "cgroup.event_control", err, "%d %d", efd, ofd) < 0)
            return -1;
        return steal_fd(efd);
    }
    if (cg->unified.fd >= 0 && cg_exists(&cg->unified, "memory.events")) {
        cleanup_close int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        char path[4096];

        snprintf(path, sizeof path, "%s/memory.events", cg->unified.path);
        if (ifd < 0 || inotify_add_watch(ifd, path, IN_MODIFY) < 0)
            return keel_syserror(err, "watch %s", path);
        if (cg_read_keyed(&cg->unified, "memory.events", "oom_kill", &cg->oom_kills, err) < 0)
            return -1;
        return steal_fd(ifd);
    }
    return keel_error(err, ENOTSUP, "cgroup %s: no memory controller to watch", cg->path);
}

int cgroup_oom_check(struct cgroup *cg, int fd, bool *oom, keel_err *err)
{
    const struct cg_dir *mem = cg->mode == CGROUP_V2 ? NULL : v1_dir(cg, "memory");
    char buf[4096];
    uint64_t kills = cg->oom_kills;

    *oom = false;
    if (mem != NULL) {
        uint64_t count;
        if (read(fd, &count, sizeof count) != sizeof count)
            return errno == EAGAIN ? 0 : keel_syserror(err, "read OOM eventfd");
        /* the eventfd also fires when the cgroup goes away */
        *oom = cg_exists(mem, "cgroup.procs");
        return 0;
    }
    /* v2: inotify says memory.events changed; its oom_kill count says whether by an OOM kill */
    while (read(fd, buf, sizeof buf) > 0)
        continue;
    if (cg_read_keyed(&cg->unified, "memory.events", "oom_kill", &kills, err) < 0)
        return err->errnum == ENOENT ? 0 : -1;
    *oom = kills > cg->oom_kills;
    cg->oom_kills = kills;
    return 0;
}
