/* `keel spec`: runc's default config.json, and its rootless variant. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "keel/runtime_spec.h"
#include "util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define STRS(field, ...) .field = (char *[]){__VA_ARGS__}, .field##_len = N(((char *[]){__VA_ARGS__}))

static char *default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};

static struct oci_mount default_mounts[] = {
    {.destination = "/proc", .type = "proc", .source = "proc"},
    {.destination = "/dev", .type = "tmpfs", .source = "tmpfs",
     STRS(options, "nosuid", "strictatime", "mode=755", "size=65536k")},
    {.destination = "/dev/pts", .type = "devpts", .source = "devpts",
     STRS(options, "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")},
    {.destination = "/dev/shm", .type = "tmpfs", .source = "shm",
     STRS(options, "nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},
    {.destination = "/dev/mqueue", .type = "mqueue", .source = "mqueue",
     STRS(options, "nosuid", "noexec", "nodev")},
    {.destination = "/sys", .type = "sysfs", .source = "sysfs",
     STRS(options, "nosuid", "noexec", "nodev", "ro")},
    {.destination = "/sys/fs/cgroup", .type = "cgroup", .source = "cgroup",
     STRS(options, "nosuid", "noexec", "nodev", "relatime", "ro")},
};

static char *masked_paths[] = {
    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
};
static char *rootless_sys_options[] = {"rbind", "nosuid", "noexec", "nodev", "ro"};
static char *readonly_paths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};

int spec_write_default(const char *dir, bool rootless, keel_err *err)
{
    struct oci_capabilities caps = {
        .bounding = default_caps, .bounding_len = N(default_caps),
        .effective = default_caps, .effective_len = N(default_caps),
        .permitted = default_caps, .permitted_len = N(default_caps),
        .ambient = default_caps, .ambient_len = N(default_caps),
    };
    struct oci_user user = {.has_uid = true, .has_gid = true};
    struct oci_rlimit nofile = {.type = "RLIMIT_NOFILE", .hard = 1024, .has_hard = true,
                                .soft = 1024, .has_soft = true};
    struct oci_process process = {
        .terminal = true, .has_terminal = true,
        .user = &user,
        STRS(args, "sh"),
        STRS(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"),
        .cwd = "/",
        .capabilities = &caps,
        .rlimits = &nofile, .rlimits_len = 1,
        .noNewPrivileges = true, .has_noNewPrivileges = true,
    };
    struct oci_root root = {.path = "rootfs", .readonly = true, .has_readonly = true};
    struct oci_namespace ns[] = {{.type = "pid"}, {.type = "network"}, {.type = "ipc"},
                                 {.type = "uts"}, {.type = "mount"}, {.type = "cgroup"}};
    struct oci_namespace ns_rootless[] = {{.type = "pid"}, {.type = "ipc"}, {.type = "uts"},
                                          {.type = "mount"}, {.type = "user"}};
    struct oci_device_cgroup deny_all = {.allow = false, .has_allow = true, .access = "rwm"};
    struct oci_resources resources = {.devices = &deny_all, .devices_len = 1};
    struct oci_id_mapping uid_map = {.hostID = getuid(), .has_hostID = true, .has_containerID = true,
                                     .size = 1, .has_size = true};
    struct oci_id_mapping gid_map = {.hostID = getgid(), .has_hostID = true, .has_containerID = true,
                                     .size = 1, .has_size = true};
    struct oci_mount mounts[N(default_mounts)];
    memcpy(mounts, default_mounts, sizeof mounts);
    struct oci_linux lx = {
        .namespaces = ns, .namespaces_len = N(ns),
        .resources = &resources,
        .maskedPaths = masked_paths, .maskedPaths_len = N(masked_paths),
        .readonlyPaths = readonly_paths, .readonlyPaths_len = N(readonly_paths),
    };
    if (rootless) {
        /* what an unprivileged user can do: own user namespace, no new network
         * (no way to configure it), /sys bound rather than mounted, no cgroup limits */
        lx.namespaces = ns_rootless;
        lx.namespaces_len = N(ns_rootless);
        lx.uidMappings = &uid_map;
        lx.uidMappings_len = 1;
        lx.gidMappings = &gid_map;
        lx.gidMappings_len = 1;
        lx.resources = NULL;
        mounts[5] = (struct oci_mount){.destination = "/sys", .type = "none", .source = "/sys",
                                       .options = rootless_sys_options,
                                       .options_len = N(rootless_sys_options)};
        mounts[2].options_len--; /* no gid=5: that group is not mapped */
    }
    struct oci_config cfg = {
        .ociVersion = "1.2.0",
        .process = &process,
        .root = &root,
        .hostname = "keel",
        .mounts = mounts, .mounts_len = N(mounts),
        .linux = &lx,
    };
    size_t len;
    cleanup_free char *json = spec_generate(&spec_type_oci_config, &cfg, true, &len, err);
    if (json == NULL)
        return -1;
    cleanup_close int dirfd = open(dir != NULL ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return keel_syserror(err, "open %s", dir != NULL ? dir : ".");
    cleanup_close int fd = openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        if (errno == EEXIST)
            return keel_error(err, 0, "File config.json exists. Remove it first");
        return keel_syserror(err, "create config.json");
    }
    if (write_all(fd, json, len) < 0 || write_all(fd, "\n", 1) < 0)
        return keel_syserror(err, "write config.json");
    return 0;
}
