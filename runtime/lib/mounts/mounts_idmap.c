/* Idmapped mounts (idmap/ridmap, mounts[].uidMappings/gidMappings), made
 * by keel on the host side as runc 1.2 and crun do: only there are the
 * source's ids mapped (from inside the container's user namespace, host ids
 * are not, and the superblock is not the container's to idmap). The mapping
 * comes from a user namespace made for the mount's own mappings, or the
 * container's. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "mount_options.h"
#include "mounts.h"

static int write_map(const char *path, const struct oci_id_mapping *maps, size_t n, keel_err *err)
{
    char buf[4096];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(buf + used, sizeof buf - used, "%u %u %u\n", maps[i].containerID,
                         maps[i].hostID, maps[i].size);
        if (w < 0 || (size_t)w >= sizeof buf - used)
            return keel_error(err, E2BIG, "write %s: too many mappings", path);
        used += (size_t)w;
    }
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return keel_syserror(err, "open %s", path);
    if (write(fd, buf, used) != (ssize_t)used)
        return keel_syserror(err, "write %s", path);
    return 0;
}

/* A helper process unshares a user namespace and reports its pid as /proc
 * shows it (the caller may be in another pid namespace than that /proc);
 * the maps are written from here and the namespace kept by an fd. */
static int new_userns(const struct oci_mount *m, keel_err *err)
{
    int ready[2], hold[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        return keel_syserror(err, "pipe");
    if (pipe2(hold, O_CLOEXEC) < 0) {
        close(ready[0]);
        close(ready[1]);
        return keel_syserror(err, "pipe");
    }
    pid_t pid = fork();
    if (pid == 0) {
        char self[32] = "";
        close(ready[0]);
        close(hold[1]);
        ssize_t n = unshare(CLONE_NEWUSER) == 0 ? readlink("/proc/self", self, sizeof self - 1) : -1;
        if (n > 0 && write(ready[1], self, (size_t)n) == n) {
            char c;
            /* wait for the parent to be done with the namespace */
            if (read(hold[0], &c, 1) < 0)
                _exit(1);
        }
        _exit(0);
    }
    close(ready[1]);
    close(hold[0]);
    int fd = -1;
    char self[32] = "";
    if (pid < 0) {
        keel_syserror(err, "fork");
    } else if (read(ready[0], self, sizeof self - 1) <= 0) {
        keel_error(err, EPERM, "idmap: could not create a user namespace");
    } else {
        char path[64];
        snprintf(path, sizeof path, "/proc/%s/uid_map", self);
        if (write_map(path, m->uidMappings, m->uidMappings_len, err) == 0) {
            snprintf(path, sizeof path, "/proc/%s/gid_map", self);
            if (write_map(path, m->gidMappings, m->gidMappings_len, err) == 0) {
                snprintf(path, sizeof path, "/proc/%s/ns/user", self);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                    keel_syserror(err, "open %s", path);
            }
        }
    }
    close(ready[0]);
    close(hold[1]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    return fd;
}

static int idmap_userns(const struct oci_mount *m, int container_userns, keel_err *err)
{
    if (m->uidMappings_len > 0 || m->gidMappings_len > 0) {
        if (m->uidMappings_len == 0 || m->gidMappings_len == 0)
            return keel_error(err, EINVAL, "idmap needs both uidMappings and gidMappings");
        return new_userns(m, err);
    }
    if (container_userns < 0)
        return keel_error(err, EINVAL,
                          "idmap without uidMappings/gidMappings needs a user namespace");
    int fd = fcntl(container_userns, F_DUPFD_CLOEXEC, 3);
    if (fd < 0)
        return keel_syserror(err, "dup the user namespace fd");
    return fd;
}

bool mount_wants_idmap(const struct oci_mount *m)
{
    if (m->uidMappings_len > 0 || m->gidMappings_len > 0)
        return true;
    for (size_t i = 0; i < m->options_len; i++)
        if (strcmp(m->options[i], "idmap") == 0 || strcmp(m->options[i], "ridmap") == 0)
            return true;
    return false;
}

size_t mount_idmap_count(const struct oci_config *cfg)
{
    size_t n = 0;
    for (size_t i = 0; i < cfg->mounts_len; i++)
        n += mount_wants_idmap(&cfg->mounts[i]);
    return n;
}

static int idmap_one(const struct oci_mount *m, const char *bundle, int container_userns,
                     keel_err *err)
{
    struct mount_opts o;
    if (mount_opts_parse(m->options, m->options_len, &o, err) < 0)
        return -1;
    int tree = -1;
    cleanup_close int userns = -1;
    if (o.tmpcopyup) {
        keel_error(err, 0, "tmpcopyup cannot be idmapped");
    } else if ((userns = idmap_userns(m, container_userns, err)) >= 0) {
        if (mount_is_bind(m)) {
            char src[PATH_MAX];
            if (mount_bind_source(bundle, m->source, src, sizeof src, err) == 0)
                tree = mount_detached_bind(src, m->destination, &o, userns, err);
        } else if (m->type == NULL) {
            keel_error(err, 0, "no type and not a bind mount");
        } else {
            tree = mount_detached_fs(m->type, m->source, m->destination, &o, userns, err);
        }
    }
    mount_opts_release(&o);
    return tree;
}

int mount_idmap_prepare(const struct oci_config *cfg, const char *bundle, int container_userns,
                        int *fds, keel_err *err)
{
    size_t n = 0;
    for (size_t i = 0; i < cfg->mounts_len; i++) {
        if (!mount_wants_idmap(&cfg->mounts[i]))
            continue;
        int fd = idmap_one(&cfg->mounts[i], bundle, container_userns, err);
        if (fd < 0) {
            while (n > 0)
                close(fds[--n]);
            return keel_error_wrap(err, "mounts[%zu]", i);
        }
        fds[n++] = fd;
    }
    return 0;
}
