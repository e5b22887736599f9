/* kill (runtime.md "kill"): a signal to the container's init, or with --all
 * to every process in the container's pid namespace. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "container.h"
#include "container_cgroup.h"
#include "state.h"
#include "util.h"

/* Every process whose pid namespace is the init's. */
static int kill_pid_namespace(pid_t init, int sig, keel_err *err)
{
    char path[64];
    struct stat ns;
    snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)init);
    if (stat(path, &ns) < 0)
        return keel_syserror(err, "stat %s", path);
    struct stat self;
    if (stat("/proc/self/ns/pid", &self) == 0 && self.st_ino == ns.st_ino)
        return kill(init, sig) < 0 ? keel_syserror(err, "kill %d", (int)init) : 0;
    cleanup_dir DIR *d = opendir("/proc");
    if (d == NULL)
        return keel_syserror(err, "open /proc");
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int pid = atoi(de->d_name);
        if (pid <= 0)
            continue;
        struct stat st;
        snprintf(path, sizeof path, "/proc/%d/ns/pid", pid);
        if (stat(path, &st) == 0 && st.st_ino == ns.st_ino && st.st_dev == ns.st_dev)
            kill(pid, sig);
    }
    return 0;
}

/* --all on a stopped container is not an error (containerd's shim sends it after every
 * exit): what is left in its cgroup (processes of a shared pid namespace) gets the
 * signal, and a cgroup already gone means there is nothing to signal. */
static int kill_stopped(const struct container *c, int sig, keel_err *err)
{
    keel_err ignored = {0};
    if (c->st.cgroupPath == NULL)
        return 0;
    struct cgroup *cg = container_cgroup_open(c, &ignored);
    if (cg == NULL)
        return 0;
    int r = cgroup_kill_all(cg, sig, err);
    cgroup_free(cg);
    return r;
}

int container_kill(const char *root, const char *id, int sig, bool all, keel_err *err)
{
    cleanup_container struct container c = CONTAINER_INIT;
    if (container_open(root, id, &c, err) < 0)
        return -1;
    int r = 0;
    enum container_status s = container_status(&c);
    if (s == STATUS_STOPPED && all)
        r = kill_stopped(&c, sig, err);
    else if (s == STATUS_STOPPED)
        r = keel_error(err, 0, "kill %s: container not running", id);
    else if (all && c.st.cgroupPath != NULL)
        r = container_cgroup_kill(&c, sig, err);
    else if (all)
        r = kill_pid_namespace(c.st.pid, sig, err);
    else if (kill(c.st.pid, sig) < 0)
        r = keel_syserror(err, "kill %d", c.st.pid);
    return r;
}
