/* Namespaces for the container (see namespaces.h). */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
    const char *type;
    const char *proc;
    int flag;
} ns_table[] = {
    /* user first: joining it decides who may join the rest */
    {"user", "user", CLONE_NEWUSER},
    {"pid", "pid", CLONE_NEWPID},
    {"network", "net", CLONE_NEWNET},
    {"ipc", "ipc", CLONE_NEWIPC},
    {"uts", "uts", CLONE_NEWUTS},
    {"mount", "mnt", CLONE_NEWNS},
    {"cgroup", "cgroup", CLONE_NEWCGROUP},
    {"time", "time", CLONE_NEWTIME},
};

const char *const ns_type_names[] = {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL};

int ns_flag(const char *type)
{
    for (size_t i = 0; i < sizeof ns_table / sizeof ns_table[0]; i++)
        if (strcmp(type, ns_table[i].type) == 0)
            return ns_table[i].flag;
    return 0;
}

const char *ns_proc_name(int flag)
{
    for (size_t i = 0; i < sizeof ns_table / sizeof ns_table[0]; i++)
        if (ns_table[i].flag == flag)
            return ns_table[i].proc;
    return "?";
}

int ns_plan_build(const struct oci_config *cfg, struct ns_plan *plan, keel_err *err)
{
    memset(plan, 0, sizeof *plan);
    if (cfg->linux == NULL)
        return 0;
    int seen = 0;
    for (size_t i = 0; i < cfg->linux->namespaces_len; i++) {
        const struct oci_namespace *ns = &cfg->linux->namespaces[i];
        int flag = ns->type != NULL ? ns_flag(ns->type) : 0;
        if (flag == 0) {
            ns_plan_close(plan);
            return keel_error(err, 0, "linux.namespaces[%zu].type: unknown namespace type %s", i,
                              ns->type != NULL ? ns->type : "(none)");
        }
        if (seen & flag) {
            ns_plan_close(plan);
            return keel_error(err, 0, "linux.namespaces[%zu]: duplicate %s namespace", i, ns->type);
        }
        seen |= flag;
        if (ns->path == NULL || ns->path[0] == '\0') {
            plan->create |= flag;
            continue;
        }
        int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            keel_syserror(err, "linux.namespaces[%zu]: open %s namespace %s", i, ns->type, ns->path);
            ns_plan_close(plan);
            return -1;
        }
        /* keep user first so that the others are joined with its privileges */
        if (flag == CLONE_NEWUSER && plan->njoin > 0) {
            memmove(&plan->join[1], &plan->join[0], sizeof plan->join[0] * (size_t)plan->njoin);
            plan->join[0] = (struct ns_join){flag, fd};
        } else {
            plan->join[plan->njoin] = (struct ns_join){flag, fd};
        }
        plan->njoin++;
    }
    return 0;
}

void ns_plan_close(struct ns_plan *plan)
{
    for (int i = 0; i < plan->njoin; i++)
        close(plan->join[i].fd);
    plan->njoin = 0;
}

bool ns_plan_has(const struct ns_plan *plan, int flag)
{
    return (plan->create & flag) || ns_plan_join_fd(plan, flag) >= 0;
}

int ns_plan_join_fd(const struct ns_plan *plan, int flag)
{
    for (int i = 0; i < plan->njoin; i++)
        if (plan->join[i].flag == flag)
            return plan->join[i].fd;
    return -1;
}

int ns_format_id_map(const struct oci_id_mapping *m, size_t n, char *buf, size_t len, keel_err *err)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(buf + off, len - off, "%u %u %u\n", m[i].containerID, m[i].hostID, m[i].size);
        if (w < 0 || (size_t)w >= len - off)
            return keel_error(err, 0, "id mappings too long");
        off += (size_t)w;
    }
    return (int)off;
}

static int write_id_map(pid_t pid, const char *file, const struct oci_id_mapping *m, size_t n,
                        keel_err *err)
{
    if (n == 0)
        return 0;
    char buf[4096], path[64];
    int len = ns_format_id_map(m, n, buf, sizeof buf, err);
    if (len < 0)
        return -1;
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, buf, (size_t)len) != len)
        return keel_syserror(err, "write %s", path);
    return 0;
}

int ns_write_id_maps(pid_t pid, const struct oci_config *cfg, keel_err *err)
{
    const struct oci_linux *l = cfg->linux;
    if (l == NULL)
        return 0;
    if (write_id_map(pid, "uid_map", l->uidMappings, l->uidMappings_len, err) < 0)
        return keel_error_wrap(err, "linux.uidMappings");
    if (write_id_map(pid, "gid_map", l->gidMappings, l->gidMappings_len, err) < 0)
        return keel_error_wrap(err, "linux.gidMappings");
    return 0;
}

uint32_t ns_host_id(const struct oci_id_mapping *m, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (id >= m[i].containerID && id - m[i].containerID < m[i].size)
            return m[i].hostID + (id - m[i].containerID);
    return id;
}

int ns_write_time_offsets(const struct oci_config *cfg, keel_err *err)
{
    const struct oci_linux *l = cfg->linux;
    if (l == NULL || l->timeOffsets_len == 0)
        return 0;
    char buf[512];
    size_t off = 0;
    for (size_t i = 0; i < l->timeOffsets_len; i++) {
        const char *clock = l->timeOffsets_keys[i];
        if (strcmp(clock, "monotonic") != 0 && strcmp(clock, "boottime") != 0)
            return keel_error(err, 0, "linux.timeOffsets.%s: unknown clock (monotonic or boottime)", clock);
        int w = snprintf(buf + off, sizeof buf - off, "%s %lld %u\n", clock,
                         (long long)l->timeOffsets[i].secs, l->timeOffsets[i].nanosecs);
        if (w < 0 || (size_t)w >= sizeof buf - off)
            return keel_error(err, 0, "linux.timeOffsets: too many entries");
        off += (size_t)w;
    }
    cleanup_close int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, buf, off) != (ssize_t)off)
        return keel_syserror(err, "linux.timeOffsets: write /proc/self/timens_offsets");
    return 0;
}

int ns_join_all(const struct ns_plan *plan, int skip_flags, keel_err *err)
{
    for (int i = 0; i < plan->njoin; i++) {
        if (plan->join[i].flag & skip_flags)
            continue;
        if (setns(plan->join[i].fd, plan->join[i].flag) < 0)
            return keel_syserror(err, "join %s namespace", ns_proc_name(plan->join[i].flag));
    }
    return 0;
}

int ns_set_names(const struct oci_config *cfg, keel_err *err)
{
    if (cfg->hostname != NULL && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
        return keel_syserror(err, "set hostname %s", cfg->hostname);
    if (cfg->domainname != NULL && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
        return keel_syserror(err, "set domainname %s", cfg->domainname);
    return 0;
}
