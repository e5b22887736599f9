/* oci_config_validate(): what config.md, config-linux.md and the runtime-spec
 * schema require of a config.json beyond the JSON types the parser checks:
 * required fields, enums, patterns, ranges, absolute paths, duplicates.
 * Every error names the document and the JSON path of the offending value. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "keel/runtime_spec.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Where errors go: the document's name and the caller's error. */
struct vctx {
    const char *source;
    keel_err *err;
};

/* A JSON path as a chain of frames on the stack, rendered only when an error
 * is reported: the valid case (the runtime's start path) formats nothing. */
struct vpath {
    const struct vpath *up;
    const char *key; /* ".key" ("process.cwd" at the top), or ["key"] when map */
    size_t index;    /* [index] when key is NULL */
    bool map;
};
#define KEY(up, k) (&(const struct vpath){ (up), (k), 0, false })
#define IDX(up, i) (&(const struct vpath){ (up), NULL, (i), false })
#define MAPKEY(up, k) (&(const struct vpath){ (up), (k), 0, true })

static size_t render(const struct vpath *p, char *buf, size_t size)
{
    size_t n = p->up ? render(p->up, buf, size) : 0;
    if (n >= size)
        return n;
    int w;
    if (p->key == NULL)
        w = snprintf(buf + n, size - n, "[%zu]", p->index);
    else if (p->map)
        w = snprintf(buf + n, size - n, "[\"%s\"]", p->key);
    else
        w = snprintf(buf + n, size - n, "%s%s", n ? "." : "", p->key);
    return w < 0 ? n : n + (size_t)w;
}

static int fail(const struct vctx *v, const struct vpath *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(const struct vctx *v, const struct vpath *path, const char *fmt, ...)
{
    char where[384] = "", what[512];
    render(path, where, sizeof where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return keel_error(v->err, 0, "%s: %s: %s", v->source, where, what);
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* `what` names the kind of value in the message: unknown namespace type "foo" */
static int check_enum(const struct vctx *v, const struct vpath *path, const char *s,
                      const char *what, const char *const *list, size_t n)
{
    if (s != NULL && !in_list(s, list, n))
        return fail(v, path, "unknown %s \"%s\"", what, s);
    return 0;
}
#define CHECK_ENUM(v, path, s, what, list) check_enum(v, path, s, what, list, NELEM(list))

static int check_enum_list(const struct vctx *v, const struct vpath *path, char *const *items,
                           size_t len, const char *what, const char *const *list, size_t n)
{
    for (size_t i = 0; i < len; i++)
        if (check_enum(v, IDX(path, i), items[i], what, list, n) < 0)
            return -1;
    return 0;
}
#define CHECK_ENUM_LIST(v, path, items, len, what, list) \
    check_enum_list(v, path, items, len, what, list, NELEM(list))

static int required(const struct vctx *v, const struct vpath *path, bool present)
{
    return present ? 0 : fail(v, path, "required");
}

static int check_abs(const struct vctx *v, const struct vpath *path, const char *s)
{
    if (s != NULL && s[0] != '/')
        return fail(v, path, "\"%s\" is not an absolute path", s);
    return 0;
}

static int check_no_newline(const struct vctx *v, const struct vpath *path, const char *s)
{
    if (s != NULL && strchr(s, '\n') != NULL)
        return fail(v, path, "must not contain a newline");
    return 0;
}

/* Every character of s in `allowed`: the schema's ^[...]*$ patterns. */
static int check_chars(const struct vctx *v, const struct vpath *path, const char *s,
                       const char *allowed, const char *what)
{
    if (s != NULL && s[strspn(s, allowed)] != '\0')
        return fail(v, path, "\"%s\" is not %s", s, what);
    return 0;
}

static int check_max(const struct vctx *v, const struct vpath *path, bool has, uint64_t n,
                     uint64_t max)
{
    if (has && n > max)
        return fail(v, path, "%llu is above the maximum %llu", (unsigned long long)n,
                    (unsigned long long)max);
    return 0;
}

/* SemVer 2.0.0: MAJOR.MINOR.PATCH without leading zeros, then -pre and +build. */
static bool semver_number(const char **s)
{
    const char *p = *s;
    if (*p < '0' || *p > '9')
        return false;
    if (*p == '0' && p[1] >= '0' && p[1] <= '9')
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    *s = p;
    return true;
}

/* dot-separated non-empty identifiers of [0-9A-Za-z-] in [s, end) */
static bool semver_idents(const char *s, const char *end)
{
    static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-";
    for (;;) {
        size_t n = 0;
        while (s + n < end && strchr(alnum, s[n]) != NULL && s[n] != '\0')
            n++;
        if (n == 0)
            return false;
        s += n;
        if (s == end)
            return true;
        if (*s++ != '.')
            return false;
    }
}

static bool is_semver(const char *s)
{
    for (int part = 0; part < 3; part++) {
        if (!semver_number(&s) || (part < 2 && *s++ != '.'))
            return false;
    }
    const char *end = s + strlen(s);
    const char *plus = strchr(s, '+');
    if (plus != NULL && !semver_idents(plus + 1, end))
        return false;
    if (*s == '-')
        return semver_idents(s + 1, plus ? plus : end);
    return s == (plus ? plus : end);
}

/* --- the enums of config.md, config-linux.md and defs-linux.json ---------- */

static const char *const namespace_types[] = {
    "mount", "pid", "network", "uts", "ipc", "user", "cgroup", "time",
};
/* the r-forms are what podman, docker, ctr and crun send (runc takes them too) */
static const char *const rootfs_propagations[] = { "private", "shared", "slave", "unbindable",
                                                   "rprivate", "rshared", "rslave", "runbindable" };
static const char *const seccomp_actions[] = {
    "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
};
static const char *const seccomp_operators[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
    "SCMP_CMP_MASKED_EQ",
};
static const char *const seccomp_archs[] = {
    "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
    "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
    "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
    "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
};
static const char *const seccomp_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};
/* the resources getrlimit(2) knows on Linux */
static const char *const rlimit_types[] = {
    "RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_LOCKS",
    "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_NOFILE", "RLIMIT_NPROC",
    "RLIMIT_RSS", "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK",
};
static const char *const personality_domains[] = { "LINUX", "LINUX32" };
static const char *const memory_policy_modes[] = {
    "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
    "MPOL_PREFERRED_MANY", "MPOL_LOCAL",
};
static const char *const memory_policy_flags[] = {
    "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES",
};
static const char *const scheduler_policies[] = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE",
    "SCHED_DEADLINE",
};
static const char *const scheduler_flags[] = {
    "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
    "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX",
};
static const char *const io_priority_classes[] = {
    "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE",
};
static const char *const time_offset_clocks[] = { "boottime", "monotonic" };
static const char *const cgroup_device_types[] = { "a", "b", "c" };

/* --- process ----------------------------------------------------------------- */

static int validate_rlimits(const struct vctx *v, const struct oci_process *p)
{
    const struct vpath *list = KEY(NULL, "process.rlimits");
    for (size_t i = 0; i < p->rlimits_len; i++) {
        const struct oci_rlimit *r = &p->rlimits[i];
        const struct vpath *at = IDX(list, i);
        if (required(v, KEY(at, "type"), r->type != NULL) < 0 ||
            CHECK_ENUM(v, KEY(at, "type"), r->type, "rlimit type", rlimit_types) < 0 ||
            required(v, KEY(at, "soft"), r->has_soft) < 0 ||
            required(v, KEY(at, "hard"), r->has_hard) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->rlimits[j].type, r->type) == 0)
                return fail(v, KEY(at, "type"), "\"%s\" repeats process.rlimits[%zu]", r->type, j);
    }
    return 0;
}

static int validate_io_priority(const struct vctx *v, const struct oci_io_priority *io)
{
    if (io == NULL)
        return 0;
    if (required(v, KEY(NULL, "process.ioPriority.class"), io->class != NULL) < 0 ||
        CHECK_ENUM(v, KEY(NULL, "process.ioPriority.class"), io->class, "I/O priority class",
                   io_priority_classes) < 0 ||
        required(v, KEY(NULL, "process.ioPriority.priority"), io->has_priority) < 0)
        return -1;
    if (io->priority < 0 || io->priority > 7)
        return fail(v, KEY(NULL, "process.ioPriority.priority"), "%d is outside 0..7", io->priority);
    return 0;
}

static int validate_process(const struct vctx *v, const struct oci_process *p)
{
    if (p->args_len == 0)
        return fail(v, KEY(NULL, "process.args"), "at least one entry is required");
    if (required(v, KEY(NULL, "process.cwd"), p->cwd != NULL) < 0 ||
        check_abs(v, KEY(NULL, "process.cwd"), p->cwd) < 0)
        return -1;
    if (p->consoleSize != NULL &&
        (required(v, KEY(NULL, "process.consoleSize.height"), p->consoleSize->has_height) < 0 ||
         required(v, KEY(NULL, "process.consoleSize.width"), p->consoleSize->has_width) < 0))
        return -1;
    if (p->user != NULL && (required(v, KEY(NULL, "process.user.uid"), p->user->has_uid) < 0 ||
                            required(v, KEY(NULL, "process.user.gid"), p->user->has_gid) < 0))
        return -1;
    if (validate_rlimits(v, p) < 0 || validate_io_priority(v, p->ioPriority) < 0)
        return -1;
    const struct oci_scheduler *s = p->scheduler;
    if (s != NULL &&
        (required(v, KEY(NULL, "process.scheduler.policy"), s->policy != NULL) < 0 ||
         CHECK_ENUM(v, KEY(NULL, "process.scheduler.policy"), s->policy, "scheduler policy",
                    scheduler_policies) < 0 ||
         CHECK_ENUM_LIST(v, KEY(NULL, "process.scheduler.flags"), s->flags, s->flags_len,
                         "scheduler flag", scheduler_flags) < 0))
        return -1;
    const struct oci_cpu_affinity *a = p->execCPUAffinity;
    static const char cpu_list[] = "0123456789, -";
    if (a != NULL &&
        (check_chars(v, KEY(NULL, "process.execCPUAffinity.initial"), a->initial, cpu_list,
                     "a CPU list") < 0 ||
         check_chars(v, KEY(NULL, "process.execCPUAffinity.final"), a->final, cpu_list,
                     "a CPU list") < 0))
        return -1;
    return 0;
}

/* --- mounts, hooks --------------------------------------------------------- */

static int validate_id_mappings(const struct vctx *v, const struct vpath *list,
                                const struct oci_id_mapping *m, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        const struct vpath *at = IDX(list, i);
        if (required(v, KEY(at, "containerID"), m[i].has_containerID) < 0 ||
            required(v, KEY(at, "hostID"), m[i].has_hostID) < 0 ||
            required(v, KEY(at, "size"), m[i].has_size) < 0)
            return -1;
    }
    return 0;
}

static bool has_namespace_type(const struct oci_linux *l, const char *type)
{
    for (size_t i = 0; l != NULL && i < l->namespaces_len; i++)
        if (l->namespaces[i].type != NULL && strcmp(l->namespaces[i].type, type) == 0)
            return true;
    return false;
}

/* idmap/ridmap without the mount's own mappings takes the container's user
 * namespace (config.md): without one it is an error. */
static int validate_idmap_userns(const struct vctx *v, const struct vpath *at,
                                 const struct oci_mount *m, bool userns)
{
    if (userns || m->uidMappings != NULL)
        return 0;
    for (size_t j = 0; j < m->options_len; j++)
        if (strcmp(m->options[j], "idmap") == 0 || strcmp(m->options[j], "ridmap") == 0)
            return fail(v, IDX(KEY(at, "options"), j),
                        "%s without uidMappings/gidMappings needs a user namespace", m->options[j]);
    return 0;
}

static int validate_mounts(const struct vctx *v, const struct oci_config *c)
{
    bool userns = has_namespace_type(c->linux, "user");
    for (size_t i = 0; i < c->mounts_len; i++) {
        const struct oci_mount *m = &c->mounts[i];
        const struct vpath *at = IDX(KEY(NULL, "mounts"), i);
        if (required(v, KEY(at, "destination"), m->destination != NULL) < 0)
            return -1;
        if ((m->uidMappings == NULL) != (m->gidMappings == NULL))
            return fail(v, KEY(at, m->uidMappings ? "uidMappings" : "gidMappings"),
                        "must be given together with %s",
                        m->uidMappings ? "gidMappings" : "uidMappings");
        if (validate_id_mappings(v, KEY(at, "uidMappings"), m->uidMappings, m->uidMappings_len) < 0 ||
            validate_id_mappings(v, KEY(at, "gidMappings"), m->gidMappings, m->gidMappings_len) < 0 ||
            validate_idmap_userns(v, at, m, userns) < 0)
            return -1;
    }
    return 0;
}

static int validate_hook_list(const struct vctx *v, const struct vpath *list,
                              const struct oci_hook *h, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        const struct vpath *at = IDX(list, i);
        if (required(v, KEY(at, "path"), h[i].path != NULL) < 0 ||
            check_abs(v, KEY(at, "path"), h[i].path) < 0)
            return -1;
        if (h[i].has_timeout && h[i].timeout < 1)
            return fail(v, KEY(at, "timeout"), "%d is not greater than zero", h[i].timeout);
    }
    return 0;
}

static int validate_hooks(const struct vctx *v, const struct oci_hooks *h)
{
    if (h == NULL)
        return 0;
    const struct { const char *name; const struct oci_hook *list; size_t len; } kinds[] = {
        { "prestart", h->prestart, h->prestart_len },
        { "createRuntime", h->createRuntime, h->createRuntime_len },
        { "createContainer", h->createContainer, h->createContainer_len },
        { "startContainer", h->startContainer, h->startContainer_len },
        { "poststart", h->poststart, h->poststart_len },
        { "poststop", h->poststop, h->poststop_len },
    };
    for (size_t i = 0; i < NELEM(kinds); i++)
        if (validate_hook_list(v, KEY(KEY(NULL, "hooks"), kinds[i].name), kinds[i].list,
                               kinds[i].len) < 0)
            return -1;
    return 0;
}

/* --- linux ------------------------------------------------------------------- */

static int validate_namespaces(const struct vctx *v, const struct oci_linux *l)
{
    for (size_t i = 0; i < l->namespaces_len; i++) {
        const struct oci_namespace *ns = &l->namespaces[i];
        const struct vpath *at = IDX(KEY(NULL, "linux.namespaces"), i);
        if (required(v, KEY(at, "type"), ns->type != NULL) < 0 ||
            CHECK_ENUM(v, KEY(at, "type"), ns->type, "namespace type", namespace_types) < 0 ||
            check_abs(v, KEY(at, "path"), ns->path) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->namespaces[j].type, ns->type) == 0)
                return fail(v, KEY(at, "type"), "namespace type \"%s\" repeats linux.namespaces[%zu]",
                            ns->type, j);
    }
    return 0;
}

static int validate_devices(const struct vctx *v, const struct oci_linux *l)
{
    for (size_t i = 0; i < l->devices_len; i++) {
        const struct oci_device *d = &l->devices[i];
        const struct vpath *at = IDX(KEY(NULL, "linux.devices"), i);
        if (required(v, KEY(at, "type"), d->type != NULL) < 0)
            return -1;
        if (strlen(d->type) != 1 || strchr("cbup", d->type[0]) == NULL)
            return fail(v, KEY(at, "type"), "unknown device type \"%s\"", d->type);
        if (required(v, KEY(at, "path"), d->path != NULL) < 0 ||
            check_abs(v, KEY(at, "path"), d->path) < 0)
            return -1;
        if (d->type[0] != 'p' && (required(v, KEY(at, "major"), d->has_major) < 0 ||
                                  required(v, KEY(at, "minor"), d->has_minor) < 0))
            return -1;
        /* podman and others send the file-type bits too (8576 = 020600): the runtime
         * takes the permission bits, as runc does */
        if (check_max(v, KEY(at, "fileMode"), d->has_fileMode, d->fileMode, S_IFMT | 07777) < 0)
            return -1;
    }
    return 0;
}

static int validate_device_cgroup(const struct vctx *v, const struct oci_resources *r)
{
    for (size_t i = 0; i < r->devices_len; i++) {
        const struct oci_device_cgroup *d = &r->devices[i];
        const struct vpath *at = IDX(KEY(NULL, "linux.resources.devices"), i);
        if (required(v, KEY(at, "allow"), d->has_allow) < 0 ||
            CHECK_ENUM(v, KEY(at, "type"), d->type, "device type", cgroup_device_types) < 0 ||
            check_chars(v, KEY(at, "access"), d->access, "rwm", "a combination of r, w and m") < 0)
            return -1;
    }
    return 0;
}

static int validate_blkio_devices(const struct vctx *v, const struct vpath *list,
                                  const struct oci_blkio_device *d, size_t len, bool weights)
{
    for (size_t i = 0; i < len; i++) {
        const struct vpath *at = IDX(list, i);
        if (required(v, KEY(at, "major"), d[i].has_major) < 0 ||
            required(v, KEY(at, "minor"), d[i].has_minor) < 0)
            return -1;
        if (!weights) {
            if (required(v, KEY(at, "rate"), d[i].has_rate) < 0)
                return -1;
            continue;
        }
        if (!d[i].has_weight && !d[i].has_leafWeight)
            return fail(v, at, "at least one of weight and leafWeight is required");
        if (check_max(v, KEY(at, "weight"), d[i].has_weight, d[i].weight, UINT16_MAX) < 0 ||
            check_max(v, KEY(at, "leafWeight"), d[i].has_leafWeight, d[i].leafWeight, UINT16_MAX) < 0)
            return -1;
    }
    return 0;
}

static int validate_blkio(const struct vctx *v, const struct oci_blkio *b)
{
    if (b == NULL)
        return 0;
    const struct vpath *at = KEY(NULL, "linux.resources.blockIO");
    if (check_max(v, KEY(at, "weight"), b->has_weight, b->weight, UINT16_MAX) < 0 ||
        check_max(v, KEY(at, "leafWeight"), b->has_leafWeight, b->leafWeight, UINT16_MAX) < 0 ||
        validate_blkio_devices(v, KEY(at, "weightDevice"), b->weightDevice, b->weightDevice_len,
                               true) < 0 ||
        validate_blkio_devices(v, KEY(at, "throttleReadBpsDevice"), b->throttleReadBpsDevice,
                               b->throttleReadBpsDevice_len, false) < 0 ||
        validate_blkio_devices(v, KEY(at, "throttleWriteBpsDevice"), b->throttleWriteBpsDevice,
                               b->throttleWriteBpsDevice_len, false) < 0 ||
        validate_blkio_devices(v, KEY(at, "throttleReadIOPSDevice"), b->throttleReadIOPSDevice,
                               b->throttleReadIOPSDevice_len, false) < 0 ||
        validate_blkio_devices(v, KEY(at, "throttleWriteIOPSDevice"), b->throttleWriteIOPSDevice,
                               b->throttleWriteIOPSDevice_len, false) < 0)
        return -1;
    return 0;
}

/* ^[1-9][0-9]*[KMG]B$ */
static bool is_page_size(const char *s)
{
    if (*s < '1' || *s > '9')
        return false;
    s += strspn(s, "0123456789");
    return s[0] != '\0' && strchr("KMG", s[0]) != NULL && strcmp(s + 1, "B") == 0;
}

static int validate_resources(const struct vctx *v, const struct oci_resources *r)
{
    if (r == NULL)
        return 0;
    if (validate_device_cgroup(v, r) < 0 || validate_blkio(v, r->blockIO) < 0)
        return -1;
    if (r->pids != NULL && required(v, KEY(NULL, "linux.resources.pids.limit"), r->pids->has_limit) < 0)
        return -1;
    for (size_t i = 0; i < r->hugepageLimits_len; i++) {
        const struct oci_hugepage_limit *h = &r->hugepageLimits[i];
        const struct vpath *at = IDX(KEY(NULL, "linux.resources.hugepageLimits"), i);
        if (required(v, KEY(at, "pageSize"), h->pageSize != NULL) < 0 ||
            required(v, KEY(at, "limit"), h->has_limit) < 0)
            return -1;
        if (!is_page_size(h->pageSize))
            return fail(v, KEY(at, "pageSize"), "\"%s\" is not a page size like 2MB", h->pageSize);
    }
    for (size_t i = 0; r->network != NULL && i < r->network->priorities_len; i++) {
        const struct vpath *at = IDX(KEY(NULL, "linux.resources.network.priorities"), i);
        if (required(v, KEY(at, "name"), r->network->priorities[i].name != NULL) < 0 ||
            required(v, KEY(at, "priority"), r->network->priorities[i].has_priority) < 0)
            return -1;
    }
    for (size_t i = 0; i < r->rdma_len; i++)
        if (!r->rdma[i].has_hcaHandles && !r->rdma[i].has_hcaObjects)
            return fail(v, MAPKEY(KEY(NULL, "linux.resources.rdma"), r->rdma_keys[i]),
                        "at least one of hcaHandles and hcaObjects is required");
    return 0;
}

static int validate_syscall(const struct vctx *v, const struct vpath *at, const struct oci_syscall *sc)
{
    if (sc->names_len == 0)
        return fail(v, KEY(at, "names"), "at least one entry is required");
    if (required(v, KEY(at, "action"), sc->action != NULL) < 0 ||
        CHECK_ENUM(v, KEY(at, "action"), sc->action, "seccomp action", seccomp_actions) < 0)
        return -1;
    for (size_t j = 0; j < sc->args_len; j++) {
        const struct oci_seccomp_arg *a = &sc->args[j];
        const struct vpath *arg = IDX(KEY(at, "args"), j);
        if (required(v, KEY(arg, "index"), a->has_index) < 0 ||
            required(v, KEY(arg, "value"), a->has_value) < 0 ||
            required(v, KEY(arg, "op"), a->op != NULL) < 0 ||
            CHECK_ENUM(v, KEY(arg, "op"), a->op, "seccomp operator", seccomp_operators) < 0)
            return -1;
    }
    return 0;
}

static int validate_seccomp(const struct vctx *v, const struct oci_seccomp *s)
{
    if (s == NULL)
        return 0;
    const struct vpath *at = KEY(NULL, "linux.seccomp");
    if (required(v, KEY(at, "defaultAction"), s->defaultAction != NULL) < 0 ||
        CHECK_ENUM(v, KEY(at, "defaultAction"), s->defaultAction, "seccomp action",
                   seccomp_actions) < 0 ||
        CHECK_ENUM_LIST(v, KEY(at, "architectures"), s->architectures, s->architectures_len,
                        "seccomp architecture", seccomp_archs) < 0 ||
        CHECK_ENUM_LIST(v, KEY(at, "flags"), s->flags, s->flags_len, "seccomp flag",
                        seccomp_flags) < 0)
        return -1;
    if (s->listenerMetadata != NULL && s->listenerPath == NULL)
        return fail(v, KEY(at, "listenerMetadata"), "set without listenerPath");
    for (size_t i = 0; i < s->syscalls_len; i++)
        if (validate_syscall(v, IDX(KEY(at, "syscalls"), i), &s->syscalls[i]) < 0)
            return -1;
    return 0;
}

static int validate_path_list(const struct vctx *v, const struct vpath *list, char *const *paths,
                              size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (check_abs(v, IDX(list, i), paths[i]) < 0)
            return -1;
    return 0;
}

static int validate_intel_rdt(const struct vctx *v, const struct oci_intel_rdt *rdt)
{
    if (rdt == NULL)
        return 0;
    const struct vpath *at = KEY(NULL, "linux.intelRdt");
    if (check_no_newline(v, KEY(at, "l3CacheSchema"), rdt->l3CacheSchema) < 0 ||
        check_no_newline(v, KEY(at, "memBwSchema"), rdt->memBwSchema) < 0)
        return -1;
    if (rdt->memBwSchema != NULL && strncmp(rdt->memBwSchema, "MB:", 3) != 0)
        return fail(v, KEY(at, "memBwSchema"), "must start with \"MB:\"");
    for (size_t i = 0; i < rdt->schemata_len; i++)
        if (check_no_newline(v, IDX(KEY(at, "schemata"), i), rdt->schemata[i]) < 0)
            return -1;
    return 0;
}

/* set_mempolicy(2)'s rules, as runc checks them: MPOL_DEFAULT and MPOL_LOCAL
 * take no nodes, MPOL_PREFERRED any number, the others at least one. */
static int validate_memory_policy(const struct vctx *v, const struct oci_memory_policy *mp)
{
    if (mp == NULL)
        return 0;
    const struct vpath *at = KEY(NULL, "linux.memoryPolicy");
    if (required(v, KEY(at, "mode"), mp->mode != NULL) < 0 ||
        CHECK_ENUM(v, KEY(at, "mode"), mp->mode, "memory policy mode", memory_policy_modes) < 0 ||
        CHECK_ENUM_LIST(v, KEY(at, "flags"), mp->flags, mp->flags_len, "memory policy flag",
                        memory_policy_flags) < 0 ||
        check_chars(v, KEY(at, "nodes"), mp->nodes, "0123456789,-", "a node list") < 0)
        return -1;
    bool nodes = mp->nodes != NULL && mp->nodes[0] != '\0';
    bool none = strcmp(mp->mode, "MPOL_DEFAULT") == 0 || strcmp(mp->mode, "MPOL_LOCAL") == 0;
    if (none && nodes)
        return fail(v, KEY(at, "nodes"), "%s takes no nodes", mp->mode);
    if (!none && !nodes && strcmp(mp->mode, "MPOL_PREFERRED") != 0)
        return fail(v, KEY(at, "nodes"), "%s needs at least one node", mp->mode);
    return 0;
}

/* An interface name the kernel takes (dev_valid_name): 1 to 15 bytes, not
 * "." or "..", no '/', ':' or whitespace. */
static int check_ifname(const struct vctx *v, const struct vpath *path, const char *name)
{
    if (name[0] == '\0' || strlen(name) > 15)
        return fail(v, path, "\"%s\" is not 1 to 15 bytes long", name);
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || name[strcspn(name, "/: \t\n\r\v\f")] != '\0')
        return fail(v, path, "\"%s\" is not a valid interface name", name);
    return 0;
}

/* Devices move into the container's own network namespace. */
static int validate_net_devices(const struct vctx *v, const struct oci_linux *l)
{
    if (l->netDevices_len == 0)
        return 0;
    if (!has_namespace_type(l, "network"))
        return fail(v, KEY(NULL, "linux.netDevices"), "needs a network namespace");
    for (size_t i = 0; i < l->netDevices_len; i++) {
        const struct vpath *at = MAPKEY(KEY(NULL, "linux.netDevices"), l->netDevices_keys[i]);
        if (check_ifname(v, at, l->netDevices_keys[i]) < 0 ||
            (l->netDevices[i].name != NULL &&
             check_ifname(v, KEY(at, "name"), l->netDevices[i].name) < 0))
            return -1;
    }
    return 0;
}

static int validate_linux_misc(const struct vctx *v, const struct oci_linux *l)
{
    for (size_t i = 0; i < l->timeOffsets_len; i++)
        if (CHECK_ENUM(v, MAPKEY(KEY(NULL, "linux.timeOffsets"), l->timeOffsets_keys[i]),
                       l->timeOffsets_keys[i], "clock", time_offset_clocks) < 0)
            return -1;
    if (CHECK_ENUM(v, KEY(NULL, "linux.rootfsPropagation"), l->rootfsPropagation,
                   "rootfs propagation", rootfs_propagations) < 0 ||
        validate_path_list(v, KEY(NULL, "linux.maskedPaths"), l->maskedPaths, l->maskedPaths_len) < 0 ||
        validate_path_list(v, KEY(NULL, "linux.readonlyPaths"), l->readonlyPaths,
                           l->readonlyPaths_len) < 0 ||
        validate_intel_rdt(v, l->intelRdt) < 0 || validate_net_devices(v, l) < 0)
        return -1;
    const struct oci_personality *pers = l->personality;
    if (pers != NULL &&
        (required(v, KEY(NULL, "linux.personality.domain"), pers->domain != NULL) < 0 ||
         CHECK_ENUM(v, KEY(NULL, "linux.personality.domain"), pers->domain, "personality domain",
                    personality_domains) < 0))
        return -1;
    return validate_memory_policy(v, l->memoryPolicy);
}

static int validate_linux(const struct vctx *v, const struct oci_linux *l)
{
    if (l == NULL)
        return 0;
    if (validate_namespaces(v, l) < 0 ||
        validate_id_mappings(v, KEY(NULL, "linux.uidMappings"), l->uidMappings, l->uidMappings_len) < 0 ||
        validate_id_mappings(v, KEY(NULL, "linux.gidMappings"), l->gidMappings, l->gidMappings_len) < 0 ||
        validate_devices(v, l) < 0 || validate_resources(v, l->resources) < 0 ||
        validate_seccomp(v, l->seccomp) < 0 || validate_linux_misc(v, l) < 0)
        return -1;
    return 0;
}

int oci_config_validate(const struct oci_config *c, const char *source, keel_err *err)
{
    const struct vctx v = { .source = source, .err = err };
    if (required(&v, KEY(NULL, "ociVersion"), c->ociVersion != NULL) < 0)
        return -1;
    if (!is_semver(c->ociVersion))
        return fail(&v, KEY(NULL, "ociVersion"), "\"%s\" is not a SemVer version", c->ociVersion);
    if (required(&v, KEY(NULL, "root"), c->root != NULL) < 0 ||
        required(&v, KEY(NULL, "root.path"), c->root->path != NULL) < 0)
        return -1;
    if (c->process != NULL && validate_process(&v, c->process) < 0)
        return -1;
    if (validate_mounts(&v, c) < 0 || validate_hooks(&v, c->hooks) < 0 ||
        validate_linux(&v, c->linux) < 0)
        return -1;
    return 0;
}
