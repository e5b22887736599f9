/* Container state directories (see state.h). */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container_cgroup.h"
#include "util.h"

int state_validate_id(const char *id, keel_err *err)
{
    size_t len = strlen(id);
    if (len == 0)
        return keel_error(err, 0, "container id is empty");
    if (len > 1024)
        return keel_error(err, 0, "container id is longer than 1024 bytes");
    if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return keel_error(err, 0, "invalid container id %s", id);
    for (const char *p = id; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '_' || ch == '+' || ch == '-' || ch == '.';
        if (!ok)
            return keel_error(err, 0, "invalid container id %s: only letters, digits and _+-. are allowed", id);
    }
    return 0;
}

static int container_init_paths(const char *root, const char *id, struct container *c,
                                keel_err *err)
{
    memset(c, 0, sizeof *c);
    c->dirfd = -1;
    if (state_validate_id(id, err) < 0)
        return -1;
    c->root = strdup(root);
    c->id = strdup(id);
    if (c->root == NULL || c->id == NULL || asprintf(&c->dir, "%s/%s", root, id) < 0) {
        c->dir = NULL;
        container_close(c);
        return keel_error(err, ENOMEM, "container %s", id);
    }
    return 0;
}

/* runc's words, which engines match; errnum ENOENT for callers that act on it. */
static int not_exist(const struct container *c, keel_err *err)
{
    keel_error(err, 0, "%s: container does not exist", c->id);
    if (err != NULL)
        err->errnum = ENOENT;
    return -1;
}

static int container_open_dir(struct container *c, keel_err *err)
{
    c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c->dirfd < 0) {
        if (errno == ENOENT)
            return not_exist(c, err);
        return keel_syserror(err, "open %s", c->dir);
    }
    return 0;
}

static int container_lock(struct container *c, keel_err *err)
{
    if (container_open_dir(c, err) < 0)
        return -1;
    while (flock(c->dirfd, LOCK_EX) < 0)
        if (errno != EINTR)
            return keel_syserror(err, "lock %s", c->dir);
    /* removed by a delete we waited for */
    struct stat st;
    if (fstat(c->dirfd, &st) < 0)
        return keel_syserror(err, "stat %s", c->dir);
    if (st.st_nlink == 0)
        return not_exist(c, err);
    return 0;
}

int container_new(const char *root, const char *id, struct container *c, keel_err *err)
{
    if (container_init_paths(root, id, c, err) < 0)
        return -1;
    if (mkdir_p(root, 0700, err) < 0)
        goto fail;
    if (mkdir(c->dir, 0711) < 0) {
        if (errno == EEXIST)
            keel_error(err, 0, "%s: container with given ID already exists", id);
        else
            keel_syserror(err, "mkdir %s", c->dir);
        goto fail;
    }
    if (container_lock(c, err) < 0) {
        rmdir(c->dir);
        goto fail;
    }
    return 0;
fail:
    container_close(c);
    return -1;
}

static int container_read(struct container *c, bool lock, keel_err *err)
{
    if ((lock ? container_lock(c, err) : container_open_dir(c, err)) < 0)
        return -1;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", c->dir, STATE_FILE);
    if (spec_parse_file(&spec_type_keel_container_state, path, &c->st, err) < 0) {
        if (err != NULL && err->errnum == ENOENT)
            not_exist(c, err);
        return -1;
    }
    return 0;
}

int container_open(const char *root, const char *id, struct container *c, keel_err *err)
{
    if (container_init_paths(root, id, c, err) < 0)
        return -1;
    if (container_read(c, true, err) < 0) {
        container_close(c);
        return -1;
    }
    return 0;
}

int container_open_unfinished(const char *root, const char *id, struct container *c, keel_err *err)
{
    if (container_init_paths(root, id, c, err) < 0)
        return -1;
    if (container_lock(c, err) < 0) {
        container_close(c);
        return -1;
    }
    if (faccessat(c->dirfd, STATE_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
        container_close(c);
        return keel_error(err, EEXIST, "container %s has a state", id);
    }
    return 0;
}

int container_peek(const char *root, const char *id, struct container *c, keel_err *err)
{
    if (container_init_paths(root, id, c, err) < 0)
        return -1;
    if (container_read(c, false, err) < 0) {
        container_close(c);
        return -1;
    }
    return 0;
}

int container_save(struct container *c, keel_err *err)
{
    size_t len;
    cleanup_free char *json = spec_generate(&spec_type_keel_container_state, &c->st, false, &len, err);
    if (json == NULL)
        return -1;
    return write_file_atomic(c->dirfd, STATE_FILE, json, len, 0600, err);
}

int container_remove(struct container *c, keel_err *err)
{
    int fd = openat(c->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return keel_syserror(err, "open %s", c->dir);
    cleanup_dir DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return keel_syserror(err, "read %s", c->dir);
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
            strcmp(de->d_name, STATE_FILE) == 0 || strcmp(de->d_name, CONFIG_COPY) == 0)
            continue;
        if (unlinkat(c->dirfd, de->d_name, 0) < 0 && errno != ENOENT)
            return keel_syserror(err, "remove %s/%s", c->dir, de->d_name);
    }
    /* in this order: a delete killed on the way leaves a directory that the
     * next `delete` still knows (state.json), or one that `delete -f` still
     * finds the cgroup of (config.json, see container_delete.c) */
    static const char *const last[] = {STATE_FILE, CONFIG_COPY};
    for (size_t i = 0; i < 2; i++)
        if (unlinkat(c->dirfd, last[i], 0) < 0 && errno != ENOENT)
            return keel_syserror(err, "remove %s/%s", c->dir, last[i]);
    if (rmdir(c->dir) < 0 && errno != ENOENT)
        return keel_syserror(err, "remove %s", c->dir);
    return 0;
}

void container_close(struct container *c)
{
    if (c->dirfd >= 0)
        close(c->dirfd);
    c->dirfd = -1;
    free(c->root);
    free(c->id);
    free(c->dir);
    c->root = c->id = c->dir = NULL;
    spec_release(&spec_type_keel_container_state, &c->st);
}

enum container_status container_status(const struct container *c)
{
    if (!c->st.has_pid || c->st.pid <= 0)
        return STATUS_CREATING;
    if (!proc_alive(c->st.pid, c->st.pidStartTime))
        return STATUS_STOPPED;
    if (container_cgroup_paused(c))
        return STATUS_PAUSED;
    if (faccessat(c->dirfd, EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        return STATUS_CREATED;
    return STATUS_RUNNING;
}

const char *status_name(enum container_status s)
{
    static const char *const names[] = {
        [STATUS_CREATING] = "creating", [STATUS_CREATED] = "created", [STATUS_RUNNING] = "running",
        [STATUS_PAUSED] = "paused", [STATUS_STOPPED] = "stopped",
    };
    return names[s];
}

int container_oci_state(const struct container *c, enum container_status s,
                        struct oci_state *out, keel_err *err)
{
    struct oci_state st = {
        .ociVersion = c->st.ociVersion,
        .id = c->id,
        .status = (char *)status_name(s),
        .pid = s == STATUS_STOPPED ? 0 : c->st.pid,
        .has_pid = true,
        .bundle = c->st.bundle,
        .rootfs = c->st.rootfs,
        .created = c->st.created,
        .owner = c->st.owner,
        .annotations_keys = c->st.annotations_keys,
        .annotations = c->st.annotations,
        .annotations_len = c->st.annotations_len,
    };
    return spec_copy(&spec_type_oci_state, out, &st, err);
}

char *container_state_json(const struct container *c, enum container_status s, bool pretty,
                           keel_err *err)
{
    struct oci_state st;
    if (container_oci_state(c, s, &st, err) < 0)
        return NULL;
    char *json = spec_generate(&spec_type_oci_state, &st, pretty, NULL, err);
    spec_release(&spec_type_oci_state, &st);
    return json;
}

int container_load_config(const struct container *c, struct oci_config *cfg, keel_err *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", c->dir, CONFIG_COPY);
    return spec_parse_file(&spec_type_oci_config, path, cfg, err);
}
