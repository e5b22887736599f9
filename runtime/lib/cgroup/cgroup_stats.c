/* What the controllers report (events --stats) and OOM notification. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "cgroup_internal.h"

int cgroup_stats(struct cgroup *cg, struct runc_stats *stats, keel_err *err)
{
    memset(stats, 0, sizeof *stats);
    for (size_t i = 0; cg->mode != CGROUP_V2 && i < cg_v1_ncontrollers; i++) {
        if (cg->v1[i].fd >= 0 && cg_v1_controllers[i].stats != NULL &&
            cg_v1_controllers[i].stats(&cg->v1[i], stats, err) < 0)
            goto fail;
    }
    for (size_t i = 0; cg->unified.fd >= 0 && i < cg_v2_ncontrollers; i++) {
        if (cg_v2_controllers[i].stats != NULL && cg_v2_serves(cg, &cg_v2_controllers[i]) &&
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
    const struct cg_dir *mem = cg->mode == CGROUP_V2 ? NULL : cg_v1_dir(cg, "memory");

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
    const struct cg_dir *mem = cg->mode == CGROUP_V2 ? NULL : cg_v1_dir(cg, "memory");
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
