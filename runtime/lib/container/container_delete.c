/* delete (runtime.md "delete"): a stopped container's resources go, then the
 * poststop hooks run; a created one (never started) is killed first, a
 * running one only with --force. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container.h"
#include "container_cgroup.h"
#include "hooks.h"
#include "log.h"
#include "rootfs.h"
#include "state.h"
#include "util.h"

/* SIGKILL to the init and wait (up to 10 s) until it is gone. */
static int delete_kill(struct container *c, keel_err *err)
{
    cleanup_close int pfd = (int)syscall(SYS_pidfd_open, c->st.pid, 0);
    if (pfd < 0) {
        if (errno == ESRCH)
            return 0;
        return keel_syserror(err, "pidfd_open %d", c->st.pid);
    }
    /* the pidfd pins the process: check it is still the container's */
    if (!proc_alive(c->st.pid, c->st.pidStartTime))
        return 0;
    if (syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
        return keel_syserror(err, "kill %d", c->st.pid);
    struct pollfd p = {.fd = pfd, .events = POLLIN};
    int r;
    do
        r = poll(&p, 1, 10000);
    while (r < 0 && errno == EINTR);
    if (r <= 0)
        return keel_error(err, 0, "container process %d did not exit after SIGKILL", c->st.pid);
    return 0;
}

/* Without a mount namespace the container's mounts are in keel's, below the rootfs
 * bind create made (rootfs.h): they go with the container. */
static void delete_shared_mounts(const struct container *c)
{
    struct oci_config cfg;
    keel_err ignored;
    if (c->st.rootfs == NULL || container_load_config(c, &cfg, &ignored) < 0)
        return;
    bool own = false;
    for (size_t i = 0; cfg.linux != NULL && i < cfg.linux->namespaces_len; i++) {
        const char *type = cfg.linux->namespaces[i].type;
        own |= type != NULL && strcmp(type, "mount") == 0;
    }
    if (!own)
        rootfs_detach(c->st.rootfs);
    spec_release(&spec_type_oci_config, &cfg);
}

static int delete_locked(struct container *c, bool force, keel_err *err)
{
    enum container_status s = container_status(c);
    if ((s == STATUS_RUNNING || s == STATUS_PAUSED) && !force)
        return keel_error(err, 0, "cannot delete container %s that is not stopped: %s", c->id,
                          status_name(s));
    /* through the cgroup (frozen, killed, thawed): a paused init dies only once thawed */
    if (s == STATUS_PAUSED && container_cgroup_kill(c, SIGKILL, err) < 0)
        return -1;
    if (s != STATUS_STOPPED && delete_kill(c, err) < 0)
        return -1;
    log_debug("delete %s: was %s", c->id, status_name(s));
    delete_shared_mounts(c);
    if (container_cgroup_remove(c, force, err) < 0)
        return -1;
    const struct oci_hooks *h = c->st.hooks;
    if (h != NULL && h->poststop_len > 0) {
        cleanup_free char *state = container_state_json(c, STATUS_STOPPED, false, err);
        if (state == NULL)
            return -1;
        hooks_run_warn(h->poststop, h->poststop_len, "poststop", state);
    }
    return container_remove(c, err);
}

int container_destroy_locked(struct container *c, keel_err *err)
{
    return delete_locked(c, true, err);
}

/* A create killed before state.json leaves its directory with the config it
 * copied first: the cgroup that names is removed with whatever is in it (an
 * init that has not yet seen its creator die), then the directory. */
static int delete_unfinished(const char *root, const char *id, keel_err *err)
{
    cleanup_container struct container c = CONTAINER_INIT;
    keel_err none;
    if (container_open_unfinished(root, id, &c, &none) < 0)
        return none.errnum == EEXIST ? container_delete(root, id, true, err) : 0;
    struct oci_config cfg = {0};
    int r = 0;
    if (container_load_config(&c, &cfg, &none) == 0) {
        const char *given = cfg.linux != NULL ? cfg.linux->cgroupsPath : NULL;
        c.st.cgroupPath = cgroup_resolve_path(given, id, &none);
        if (c.st.cgroupPath != NULL && geteuid() == 0)
            r = container_cgroup_remove(&c, true, err);
        spec_release(&spec_type_oci_config, &cfg);
    }
    if (r == 0)
        r = container_remove(&c, err);
    return r;
}

int container_delete(const char *root, const char *id, bool force, keel_err *err)
{
    cleanup_container struct container c = CONTAINER_INIT;
    if (container_open(root, id, &c, err) < 0) {
        if (!force || state_validate_id(id, NULL) < 0)
            return -1;
        return delete_unfinished(root, id, err);
    }
    return delete_locked(&c, force, err);
}
