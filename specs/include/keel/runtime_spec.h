/* The OCI runtime-spec documents as C types: config.json (config.md and
 * config-linux.md, 1.0.0 to 1.3.0), state.json and features.json.
 * Field names are the JSON names; see keel/spec.h for what each kind becomes. */
#ifndef KEEL_RUNTIME_SPEC_H
#define KEEL_RUNTIME_SPEC_H

#include "keel/spec.h"

#define OCI_ID_MAPPING(X, T) \
    X(T, U32, containerID, "containerID", _) \
    X(T, U32, hostID, "hostID", _) \
    X(T, U32, size, "size", _)
SPEC_DECLARE(oci_id_mapping, OCI_ID_MAPPING)

#define OCI_MOUNT(X, T) \
    X(T, STR, destination, "destination", _) \
    X(T, STR, source, "source", _) \
    X(T, STRS, options, "options", _) \
    X(T, STR, type, "type", _) \
    X(T, OBJS, uidMappings, "uidMappings", oci_id_mapping) \
    X(T, OBJS, gidMappings, "gidMappings", oci_id_mapping)
SPEC_DECLARE(oci_mount, OCI_MOUNT)

#define OCI_ROOT(X, T) \
    X(T, STR, path, "path", _) \
    X(T, BOOL, readonly, "readonly", _)
SPEC_DECLARE(oci_root, OCI_ROOT)

#define OCI_BOX(X, T) \
    X(T, U64, height, "height", _) \
    X(T, U64, width, "width", _)
SPEC_DECLARE(oci_box, OCI_BOX)

#define OCI_USER(X, T) \
    X(T, U32, uid, "uid", _) \
    X(T, U32, gid, "gid", _) \
    X(T, U32, umask, "umask", _) \
    X(T, U32S, additionalGids, "additionalGids", _) \
    X(T, STR, username, "username", _)
SPEC_DECLARE(oci_user, OCI_USER)

#define OCI_CAPABILITIES(X, T) \
    X(T, STRS, bounding, "bounding", _) \
    X(T, STRS, permitted, "permitted", _) \
    X(T, STRS, effective, "effective", _) \
    X(T, STRS, inheritable, "inheritable", _) \
    X(T, STRS, ambient, "ambient", _)
SPEC_DECLARE(oci_capabilities, OCI_CAPABILITIES)

#define OCI_RLIMIT(X, T) \
    X(T, STR, type, "type", _) \
    X(T, U64, hard, "hard", _) \
    X(T, U64, soft, "soft", _)
SPEC_DECLARE(oci_rlimit, OCI_RLIMIT)

#define OCI_IO_PRIORITY(X, T) \
    X(T, STR, class, "class", _) \
    X(T, I32, priority, "priority", _)
SPEC_DECLARE(oci_io_priority, OCI_IO_PRIORITY)

#define OCI_SCHEDULER(X, T) \
    X(T, STR, policy, "policy", _) \
    X(T, I32, nice, "nice", _) \
    X(T, I32, priority, "priority", _) \
    X(T, STRS, flags, "flags", _) \
    X(T, U64, runtime, "runtime", _) \
    X(T, U64, deadline, "deadline", _) \
    X(T, U64, period, "period", _)
SPEC_DECLARE(oci_scheduler, OCI_SCHEDULER)

#define OCI_CPU_AFFINITY(X, T) \
    X(T, STR, initial, "initial", _) \
    X(T, STR, final, "final", _)
SPEC_DECLARE(oci_cpu_affinity, OCI_CPU_AFFINITY)

#define OCI_PROCESS(X, T) \
    X(T, BOOL, terminal, "terminal", _) \
    X(T, OBJ, consoleSize, "consoleSize", oci_box) \
    X(T, OBJ, user, "user", oci_user) \
    X(T, STRS, args, "args", _) \
    X(T, STR, commandLine, "commandLine", _) \
    X(T, STRS, env, "env", _) \
    X(T, STR, cwd, "cwd", _) \
    X(T, OBJ, capabilities, "capabilities", oci_capabilities) \
    X(T, OBJS, rlimits, "rlimits", oci_rlimit) \
    X(T, BOOL, noNewPrivileges, "noNewPrivileges", _) \
    X(T, STR, apparmorProfile, "apparmorProfile", _) \
    X(T, I32, oomScoreAdj, "oomScoreAdj", _) \
    X(T, STR, selinuxLabel, "selinuxLabel", _) \
    X(T, OBJ, ioPriority, "ioPriority", oci_io_priority) \
    X(T, OBJ, scheduler, "scheduler", oci_scheduler) \
    X(T, OBJ, execCPUAffinity, "execCPUAffinity", oci_cpu_affinity)
SPEC_DECLARE(oci_process, OCI_PROCESS)

#define OCI_HOOK(X, T) \
    X(T, STR, path, "path", _) \
    X(T, STRS, args, "args", _) \
    X(T, STRS, env, "env", _) \
    X(T, I32, timeout, "timeout", _)
SPEC_DECLARE(oci_hook, OCI_HOOK)

#define OCI_HOOKS(X, T) \
    X(T, OBJS, prestart, "prestart", oci_hook) \
    X(T, OBJS, createRuntime, "createRuntime", oci_hook) \
    X(T, OBJS, createContainer, "createContainer", oci_hook) \
    X(T, OBJS, startContainer, "startContainer", oci_hook) \
    X(T, OBJS, poststart, "poststart", oci_hook) \
    X(T, OBJS, poststop, "poststop", oci_hook)
SPEC_DECLARE(oci_hooks, OCI_HOOKS)

/* --- linux --------------------------------------------------------------- */

#define OCI_NAMESPACE(X, T) \
    X(T, STR, type, "type", _) \
    X(T, STR, path, "path", _)
SPEC_DECLARE(oci_namespace, OCI_NAMESPACE)

#define OCI_DEVICE(X, T) \
    X(T, STR, type, "type", _) \
    X(T, STR, path, "path", _) \
    X(T, I64, major, "major", _) \
    X(T, I64, minor, "minor", _) \
    X(T, U32, fileMode, "fileMode", _) \
    X(T, U32, uid, "uid", _) \
    X(T, U32, gid, "gid", _)
SPEC_DECLARE(oci_device, OCI_DEVICE)

#define OCI_NET_DEVICE(X, T) \
    X(T, STR, name, "name", _)
SPEC_DECLARE(oci_net_device, OCI_NET_DEVICE)

#define OCI_DEVICE_CGROUP(X, T) \
    X(T, BOOL, allow, "allow", _) \
    X(T, STR, type, "type", _) \
    X(T, I64, major, "major", _) \
    X(T, I64, minor, "minor", _) \
    X(T, STR, access, "access", _)
SPEC_DECLARE(oci_device_cgroup, OCI_DEVICE_CGROUP)

#define OCI_MEMORY(X, T) \
    X(T, I64, limit, "limit", _) \
    X(T, I64, reservation, "reservation", _) \
    X(T, I64, swap, "swap", _) \
    X(T, I64, kernel, "kernel", _) \
    X(T, I64, kernelTCP, "kernelTCP", _) \
    X(T, U64, swappiness, "swappiness", _) \
    X(T, BOOL, disableOOMKiller, "disableOOMKiller", _) \
    X(T, BOOL, useHierarchy, "useHierarchy", _) \
    X(T, BOOL, checkBeforeUpdate, "checkBeforeUpdate", _)
SPEC_DECLARE(oci_memory, OCI_MEMORY)

#define OCI_CPU(X, T) \
    X(T, U64, shares, "shares", _) \
    X(T, I64, quota, "quota", _) \
    X(T, U64, burst, "burst", _) \
    X(T, U64, period, "period", _) \
    X(T, I64, realtimeRuntime, "realtimeRuntime", _) \
    X(T, U64, realtimePeriod, "realtimePeriod", _) \
    X(T, STR, cpus, "cpus", _) \
    X(T, STR, mems, "mems", _) \
    X(T, I64, idle, "idle", _)
SPEC_DECLARE(oci_cpu, OCI_CPU)

#define OCI_PIDS(X, T) \
    X(T, I64, limit, "limit", _)
SPEC_DECLARE(oci_pids, OCI_PIDS)

/* weightDevice and the throttle lists share one shape; unused members stay absent */
#define OCI_BLKIO_DEVICE(X, T) \
    X(T, I64, major, "major", _) \
    X(T, I64, minor, "minor", _) \
    X(T, U32, weight, "weight", _) \
    X(T, U32, leafWeight, "leafWeight", _) \
    X(T, U64, rate, "rate", _)
SPEC_DECLARE(oci_blkio_device, OCI_BLKIO_DEVICE)

#define OCI_BLKIO(X, T) \
    X(T, U32, weight, "weight", _) \
    X(T, U32, leafWeight, "leafWeight", _) \
    X(T, OBJS, weightDevice, "weightDevice", oci_blkio_device) \
    X(T, OBJS, throttleReadBpsDevice, "throttleReadBpsDevice", oci_blkio_device) \
    X(T, OBJS, throttleWriteBpsDevice, "throttleWriteBpsDevice", oci_blkio_device) \
    X(T, OBJS, throttleReadIOPSDevice, "throttleReadIOPSDevice", oci_blkio_device) \
    X(T, OBJS, throttleWriteIOPSDevice, "throttleWriteIOPSDevice", oci_blkio_device)
SPEC_DECLARE(oci_blkio, OCI_BLKIO)

#define OCI_HUGEPAGE_LIMIT(X, T) \
    X(T, STR, pageSize, "pageSize", _) \
    X(T, U64, limit, "limit", _)
SPEC_DECLARE(oci_hugepage_limit, OCI_HUGEPAGE_LIMIT)

#define OCI_NET_PRIORITY(X, T) \
    X(T, STR, name, "name", _) \
    X(T, U32, priority, "priority", _)
SPEC_DECLARE(oci_net_priority, OCI_NET_PRIORITY)

#define OCI_NETWORK(X, T) \
    X(T, U32, classID, "classID", _) \
    X(T, OBJS, priorities, "priorities", oci_net_priority)
SPEC_DECLARE(oci_network, OCI_NETWORK)

#define OCI_RDMA(X, T) \
    X(T, U32, hcaHandles, "hcaHandles", _) \
    X(T, U32, hcaObjects, "hcaObjects", _)
SPEC_DECLARE(oci_rdma, OCI_RDMA)

#define OCI_RESOURCES(X, T) \
    X(T, OBJS, devices, "devices", oci_device_cgroup) \
    X(T, OBJ, memory, "memory", oci_memory) \
    X(T, OBJ, cpu, "cpu", oci_cpu) \
    X(T, OBJ, pids, "pids", oci_pids) \
    X(T, OBJ, blockIO, "blockIO", oci_blkio) \
    X(T, OBJS, hugepageLimits, "hugepageLimits", oci_hugepage_limit) \
    X(T, OBJ, network, "network", oci_network) \
    X(T, OBJMAP, rdma, "rdma", oci_rdma) \
    X(T, MAP, unified, "unified", _)
SPEC_DECLARE(oci_resources, OCI_RESOURCES)

#define OCI_SECCOMP_ARG(X, T) \
    X(T, U32, index, "index", _) \
    X(T, U64, value, "value", _) \
    X(T, U64, valueTwo, "valueTwo", _) \
    X(T, STR, op, "op", _)
SPEC_DECLARE(oci_seccomp_arg, OCI_SECCOMP_ARG)

#define OCI_SYSCALL(X, T) \
    X(T, STRS, names, "names", _) \
    X(T, STR, action, "action", _) \
    X(T, U32, errnoRet, "errnoRet", _) \
    X(T, OBJS, args, "args", oci_seccomp_arg)
SPEC_DECLARE(oci_syscall, OCI_SYSCALL)

#define OCI_SECCOMP(X, T) \
    X(T, STR, defaultAction, "defaultAction", _) \
    X(T, U32, defaultErrnoRet, "defaultErrnoRet", _) \
    X(T, STRS, architectures, "architectures", _) \
    X(T, STRS, flags, "flags", _) \
    X(T, STR, listenerPath, "listenerPath", _) \
    X(T, STR, listenerMetadata, "listenerMetadata", _) \
    X(T, OBJS, syscalls, "syscalls", oci_syscall)
SPEC_DECLARE(oci_seccomp, OCI_SECCOMP)

#define OCI_INTEL_RDT(X, T) \
    X(T, STR, closID, "closID", _) \
    X(T, STRS, schemata, "schemata", _) \
    X(T, STR, l3CacheSchema, "l3CacheSchema", _) \
    X(T, STR, memBwSchema, "memBwSchema", _) \
    X(T, BOOL, enableMonitoring, "enableMonitoring", _)
SPEC_DECLARE(oci_intel_rdt, OCI_INTEL_RDT)

#define OCI_MEMORY_POLICY(X, T) \
    X(T, STR, mode, "mode", _) \
    X(T, STR, nodes, "nodes", _) \
    X(T, STRS, flags, "flags", _)
SPEC_DECLARE(oci_memory_policy, OCI_MEMORY_POLICY)

#define OCI_PERSONALITY(X, T) \
    X(T, STR, domain, "domain", _) \
    X(T, STRS, flags, "flags", _)
SPEC_DECLARE(oci_personality, OCI_PERSONALITY)

#define OCI_TIME_OFFSET(X, T) \
    X(T, I64, secs, "secs", _) \
    X(T, U32, nanosecs, "nanosecs", _)
SPEC_DECLARE(oci_time_offset, OCI_TIME_OFFSET)

#define OCI_LINUX(X, T) \
    X(T, OBJS, namespaces, "namespaces", oci_namespace) \
    X(T, OBJS, uidMappings, "uidMappings", oci_id_mapping) \
    X(T, OBJS, gidMappings, "gidMappings", oci_id_mapping) \
    X(T, OBJMAP, timeOffsets, "timeOffsets", oci_time_offset) \
    X(T, OBJS, devices, "devices", oci_device) \
    X(T, OBJMAP, netDevices, "netDevices", oci_net_device) \
    X(T, STR, cgroupsPath, "cgroupsPath", _) \
    X(T, OBJ, resources, "resources", oci_resources) \
    X(T, OBJ, intelRdt, "intelRdt", oci_intel_rdt) \
    X(T, MAP, sysctl, "sysctl", _) \
    X(T, OBJ, seccomp, "seccomp", oci_seccomp) \
    X(T, STR, rootfsPropagation, "rootfsPropagation", _) \
    X(T, STRS, maskedPaths, "maskedPaths", _) \
    X(T, STRS, readonlyPaths, "readonlyPaths", _) \
    X(T, STR, mountLabel, "mountLabel", _) \
    X(T, OBJ, personality, "personality", oci_personality) \
    X(T, OBJ, memoryPolicy, "memoryPolicy", oci_memory_policy)
SPEC_DECLARE(oci_linux, OCI_LINUX)

#define OCI_CONFIG(X, T) \
    X(T, STR, ociVersion, "ociVersion", _) \
    X(T, OBJ, process, "process", oci_process) \
    X(T, OBJ, root, "root", oci_root) \
    X(T, STR, hostname, "hostname", _) \
    X(T, STR, domainname, "domainname", _) \
    X(T, OBJS, mounts, "mounts", oci_mount) \
    X(T, OBJ, hooks, "hooks", oci_hooks) \
    X(T, MAP, annotations, "annotations", _) \
    X(T, OBJ, linux, "linux", oci_linux)
SPEC_DECLARE(oci_config, OCI_CONFIG)

/* --- state.json: the spec's fields plus runc's extras --------------------- */

#define OCI_STATE(X, T) \
    X(T, STR, ociVersion, "ociVersion", _) \
    X(T, STR, id, "id", _) \
    X(T, STR, status, "status", _) \
    X(T, I32, pid, "pid", _) \
    X(T, STR, bundle, "bundle", _) \
    X(T, STR, rootfs, "rootfs", _) \
    X(T, STR, created, "created", _) \
    X(T, STR, owner, "owner", _) \
    X(T, MAP, annotations, "annotations", _)
SPEC_DECLARE(oci_state, OCI_STATE)

/* What the runtime sends to a seccomp agent on linux.seccomp.listenerPath
 * (config-linux.md, "container process state"); fds names the SCM_RIGHTS fds. */
#define OCI_CONTAINER_PROCESS_STATE(X, T) \
    X(T, STR, ociVersion, "ociVersion", _) \
    X(T, STRS, fds, "fds", _) \
    X(T, I32, pid, "pid", _) \
    X(T, STR, metadata, "metadata", _) \
    X(T, OBJ, state, "state", oci_state)
SPEC_DECLARE(oci_container_process_state, OCI_CONTAINER_PROCESS_STATE)

/* --- features.json -------------------------------------------------------- */

#define OCI_FEATURE_ENABLED(X, T) \
    X(T, BOOL, enabled, "enabled", _)
SPEC_DECLARE(oci_feature_enabled, OCI_FEATURE_ENABLED)

#define OCI_FEATURES_CGROUP(X, T) \
    X(T, BOOL, v1, "v1", _) \
    X(T, BOOL, v2, "v2", _) \
    X(T, BOOL, systemd, "systemd", _) \
    X(T, BOOL, systemdUser, "systemdUser", _) \
    X(T, BOOL, rdma, "rdma", _)
SPEC_DECLARE(oci_features_cgroup, OCI_FEATURES_CGROUP)

#define OCI_FEATURES_SECCOMP(X, T) \
    X(T, BOOL, enabled, "enabled", _) \
    X(T, STRS, actions, "actions", _) \
    X(T, STRS, operators, "operators", _) \
    X(T, STRS, archs, "archs", _) \
    X(T, STRS, knownFlags, "knownFlags", _) \
    X(T, STRS, supportedFlags, "supportedFlags", _)
SPEC_DECLARE(oci_features_seccomp, OCI_FEATURES_SECCOMP)

#define OCI_FEATURES_MOUNT_EXT(X, T) \
    X(T, OBJ, idmap, "idmap", oci_feature_enabled)
SPEC_DECLARE(oci_features_mount_ext, OCI_FEATURES_MOUNT_EXT)

#define OCI_FEATURES_MEMORY_POLICY(X, T) \
    X(T, STRS, modes, "modes", _) \
    X(T, STRS, flags, "flags", _)
SPEC_DECLARE(oci_features_memory_policy, OCI_FEATURES_MEMORY_POLICY)

#define OCI_FEATURES_INTEL_RDT(X, T) \
    X(T, BOOL, enabled, "enabled", _) \
    X(T, BOOL, schemata, "schemata", _) \
    X(T, BOOL, monitoring, "monitoring", _)
SPEC_DECLARE(oci_features_intel_rdt, OCI_FEATURES_INTEL_RDT)

#define OCI_FEATURES_LINUX(X, T) \
    X(T, STRS, namespaces, "namespaces", _) \
    X(T, STRS, capabilities, "capabilities", _) \
    X(T, OBJ, cgroup, "cgroup", oci_features_cgroup) \
    X(T, OBJ, seccomp, "seccomp", oci_features_seccomp) \
    X(T, OBJ, apparmor, "apparmor", oci_feature_enabled) \
    X(T, OBJ, selinux, "selinux", oci_feature_enabled) \
    X(T, OBJ, intelRdt, "intelRdt", oci_features_intel_rdt) \
    X(T, OBJ, mountExtensions, "mountExtensions", oci_features_mount_ext) \
    X(T, OBJ, netDevices, "netDevices", oci_feature_enabled) \
    X(T, OBJ, memoryPolicy, "memoryPolicy", oci_features_memory_policy)
SPEC_DECLARE(oci_features_linux, OCI_FEATURES_LINUX)

#define OCI_FEATURES(X, T) \
    X(T, STR, ociVersionMin, "ociVersionMin", _) \
    X(T, STR, ociVersionMax, "ociVersionMax", _) \
    X(T, STRS, hooks, "hooks", _) \
    X(T, STRS, mountOptions, "mountOptions", _) \
    X(T, MAP, annotations, "annotations", _) \
    X(T, STRS, potentiallyUnsafeConfigAnnotations, "potentiallyUnsafeConfigAnnotations", _) \
    X(T, OBJ, linux, "linux", oci_features_linux)
SPEC_DECLARE(oci_features, OCI_FEATURES)

/* Checks what the schema requires beyond types (ociVersion, root.path,
 * process.args and process.cwd, mounts[].destination, namespaces[].type and
 * its enum, ...). Errors name `source` and the JSON path. */
int oci_config_validate(const struct oci_config *c, const char *source, keel_err *err);

#endif
