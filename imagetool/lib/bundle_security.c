/* keel-image bundle's security options, with docker run's semantics:
 * --privileged, --cap-add/--cap-drop, --device, and --security-opt's
 * no-new-privileges, seccomp and apparmor. */
#include "bundle_options.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "keel/cleanup.h"

/* Every capability Linux defines (capability.h, 0 to CAP_LAST_CAP), in order. */
static const char *const all_caps[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
    "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
    "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
    "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};
#define N_CAPS (sizeof all_caps / sizeof all_caps[0])

static void strs_free(char **v, size_t len)
{
    for (size_t i = 0; i < len; i++)
        free(v[i]);
    free(v);
}

/* NAME as Linux spells it: upper case, with CAP_ ("net_admin" -> "CAP_NET_ADMIN"). */
static void cap_normalize(const char *name, char *want, size_t len)
{
    size_t n = 0;
    if (strncasecmp(name, "CAP_", 4) != 0)
        n = (size_t)snprintf(want, len, "CAP_");
    for (const char *c = name; *c != '\0' && n + 1 < len; c++)
        want[n++] = (char)toupper((unsigned char)*c);
    want[n] = '\0';
}

int bundle_cap_index(const char *name)
{
    char want[64];
    cap_normalize(name, want, sizeof want);
    if (strcmp(want, "CAP_ALL") == 0)
        return BUNDLE_CAP_ALL;
    for (size_t i = 0; i < N_CAPS; i++)
        if (strcmp(all_caps[i], want) == 0)
            return (int)i;
    return -1;
}

/* The capabilities this process may pass on (CapBnd of /proc/self/status):
 * "ALL" means those, as docker's daemon grants what its own bounding set
 * holds. All of them when the file cannot be read. */
static uint64_t bounding_set(void)
{
    cleanup_fclose FILE *f = fopen("/proc/self/status", "re");
    char line[256];
    unsigned long long v;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "CapBnd: %llx", &v) == 1)
            return v;
    return ~0ull;
}

/* docker's message: invalid CapAdd: unknown capability: "CAP_NOSUCH" */
static int unknown_cap(const char *which, const char *name, keel_err *err)
{
    char want[64];
    cap_normalize(name, want, sizeof want);
    return keel_error(err, EINVAL, "invalid %s: unknown capability: \"%s\"", which, want);
}

/* The set of capabilities after docker's rules: --cap-drop ALL empties the
 * defaults, --cap-add ALL fills it, named drops win over the defaults and
 * named adds over named drops' absence. */
int bundle_caps_resolve(const struct bundle_options *o, char *const *defaults, size_t n_defaults,
                        bool set[], keel_err *err)
{
    bool add_all = o->privileged, drop_all = false;
    memset(set, 0, N_CAPS * sizeof set[0]);
    for (size_t i = 0; i < o->cap_drop_len; i++) {
        int c = bundle_cap_index(o->cap_drop[i]);
        if (c < 0)
            return unknown_cap("CapDrop", o->cap_drop[i], err);
        drop_all |= c == BUNDLE_CAP_ALL;
    }
    for (size_t i = 0; i < o->cap_add_len; i++) {
        int c = bundle_cap_index(o->cap_add[i]);
        if (c < 0)
            return unknown_cap("CapAdd", o->cap_add[i], err);
        add_all |= c == BUNDLE_CAP_ALL;
    }
    for (size_t i = 0; !drop_all && i < n_defaults; i++) {
        int c = bundle_cap_index(defaults[i]);
        if (c >= 0 && c != BUNDLE_CAP_ALL)
            set[c] = true;
    }
    for (size_t i = 0; i < o->cap_drop_len; i++) {
        int c = bundle_cap_index(o->cap_drop[i]);
        if (c != BUNDLE_CAP_ALL)
            set[c] = false;
    }
    uint64_t bounding = add_all ? bounding_set() : 0;
    for (size_t c = 0; add_all && c < N_CAPS; c++)
        set[c] = (bounding >> c) & 1;
    for (size_t i = 0; i < o->cap_add_len; i++) {
        int c = bundle_cap_index(o->cap_add[i]);
        if (c != BUNDLE_CAP_ALL)
            set[c] = true;
    }
    return 0;
}

static int caps_list(char ***list, size_t *len, const bool set[])
{
    strs_free(*list, *len);
    *list = NULL;
    *len = 0;
    for (size_t c = 0; c < N_CAPS; c++)
        if (set[c] && spec_strs_append(list, len, all_caps[c]) < 0)
            return -1;
    if (*list == NULL && (*list = calloc(1, sizeof(char *))) == NULL)
        return -1;
    return 0;
}

static int apply_caps(const struct bundle_options *o, struct oci_process *p, keel_err *err)
{
    if (!o->privileged && o->cap_add_len == 0 && o->cap_drop_len == 0)
        return 0;
    if (p->capabilities == NULL && (p->capabilities = calloc(1, sizeof *p->capabilities)) == NULL)
        return keel_syserror(err, "process.capabilities");
    struct oci_capabilities *c = p->capabilities;
    bool set[N_CAPS];
    if (bundle_caps_resolve(o, c->bounding, c->bounding_len, set, err) < 0)
        return -1;
    if (caps_list(&c->bounding, &c->bounding_len, set) < 0 ||
        caps_list(&c->effective, &c->effective_len, set) < 0 ||
        caps_list(&c->permitted, &c->permitted_len, set) < 0)
        return keel_syserror(err, "process.capabilities");
    return 0;
}

static struct oci_resources *resources_of(struct oci_linux *l)
{
    if (l->resources == NULL)
        l->resources = calloc(1, sizeof *l->resources);
    return l->resources;
}

/* A devices cgroup rule: allow TYPE MAJOR:MINOR (-1: any) with ACCESS. */
static int allow_device(struct oci_linux *l, const char *type, int64_t major, int64_t minor,
                        const char *access)
{
    struct oci_resources *r = resources_of(l);
    if (r == NULL)
        return -1;
    struct oci_device_cgroup *grown = realloc(r->devices, (r->devices_len + 1) * sizeof *grown);
    if (grown == NULL)
        return -1;
    r->devices = grown;
    struct oci_device_cgroup *d = &grown[r->devices_len++];
    memset(d, 0, sizeof *d);
    d->allow = d->has_allow = true;
    if (major >= 0)
        d->major = major, d->has_major = true;
    if (minor >= 0)
        d->minor = minor, d->has_minor = true;
    return (type != NULL && (d->type = strdup(type)) == NULL) || (d->access = strdup(access)) == NULL
               ? -1 : 0;
}

/* The device node at host path HOST as linux.devices entry CTR. */
static int add_node(struct oci_linux *l, const char *ctr, const struct stat *st)
{
    for (size_t i = 0; i < l->devices_len; i++)
        if (l->devices[i].path != NULL && strcmp(l->devices[i].path, ctr) == 0)
            return 0;
    struct oci_device *grown = realloc(l->devices, (l->devices_len + 1) * sizeof *grown);
    if (grown == NULL)
        return -1;
    l->devices = grown;
    struct oci_device *d = &grown[l->devices_len++];
    memset(d, 0, sizeof *d);
    d->major = major(st->st_rdev), d->has_major = true;
    d->minor = minor(st->st_rdev), d->has_minor = true;
    d->fileMode = st->st_mode & 07777, d->has_fileMode = true;
    d->uid = st->st_uid, d->has_uid = true;
    d->gid = st->st_gid, d->has_gid = true;
    return (d->type = strdup(S_ISBLK(st->st_mode) ? "b" : "c")) == NULL ||
                   (d->path = strdup(ctr)) == NULL
               ? -1 : 0;
}

/* docker's host devices walk skips these directories of /dev */
static bool skipped_dir(const char *name)
{
    static const char *const skip[] = {"pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (strcmp(name, skip[i]) == 0)
            return true;
    return false;
}

/* Every device node under HOST, as CTR/...; `access` NULL adds no cgroup rule. */
static int add_tree(struct oci_linux *l, const char *host, const char *ctr, const char *access,
                    int depth, keel_err *err)
{
    struct stat st;
    if (lstat(host, &st) < 0)
        return keel_syserror(err, "error gathering device information while adding custom device \"%s\"", host);
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
        if (add_node(l, ctr, &st) < 0 ||
            (access != NULL && allow_device(l, S_ISBLK(st.st_mode) ? "b" : "c", major(st.st_rdev),
                                            minor(st.st_rdev), access) < 0))
            return keel_syserror(err, "linux.devices");
        return 0;
    }
    if (!S_ISDIR(st.st_mode) || depth > 8) {
        if (depth == 0)
            return keel_error(err, EINVAL, "%s is not a device node", host);
        return 0;
    }
    cleanup_dir DIR *d = opendir(host);
    if (d == NULL)
        return keel_syserror(err, "open %s", host);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            (depth == 0 && skipped_dir(e->d_name)))
            continue;
        cleanup_free char *h = NULL, *c = NULL;
        if (asprintf(&h, "%s/%s", host, e->d_name) < 0 || asprintf(&c, "%s/%s", ctr, e->d_name) < 0)
            return keel_syserror(err, "linux.devices");
        if (add_tree(l, h, c, access, depth + 1, err) < 0)
            return -1;
    }
    return 0;
}

/* --device HOST[:CTR][:PERMS] */
static int add_device(struct oci_linux *l, const char *spec, keel_err *err)
{
    cleanup_free char *copy = strdup(spec);
    if (copy == NULL)
        return keel_syserror(err, "linux.devices");
    char *parts[3] = {copy, NULL, NULL};
    size_t n = 1;
    for (char *c = copy; *c != '\0' && n < 3; c++)
        if (*c == ':') {
            *c = '\0';
            parts[n++] = c + 1;
        }
    const char *host = parts[0], *ctr = parts[1], *perms = parts[2];
    /* HOST:PERMS is docker's too: a second field of only r, w and m */
    if (n == 2 && strspn(ctr, "rwm") == strlen(ctr) && ctr[0] != '\0')
        perms = ctr, ctr = NULL;
    if (ctr == NULL || ctr[0] == '\0')
        ctr = host;
    if (perms == NULL)
        perms = "rwm";
    if (host[0] != '/' || ctr[0] != '/' || perms[0] == '\0' || strspn(perms, "rwm") != strlen(perms))
        return keel_error(err, EINVAL, "invalid device specification: %s", spec);
    return add_tree(l, host, ctr, perms, 0, err);
}

/* --privileged: every capability (apply_caps), every host device, no masked
 * or read-only paths, /sys and the cgroup mount writable, no seccomp. */
static int apply_privileged(struct oci_config *cfg, keel_err *err)
{
    struct oci_linux *l = cfg->linux;
    strs_free(l->maskedPaths, l->maskedPaths_len);
    strs_free(l->readonlyPaths, l->readonlyPaths_len);
    l->maskedPaths = l->readonlyPaths = NULL;
    l->maskedPaths_len = l->readonlyPaths_len = 0;
    if (l->seccomp != NULL) {
        spec_release(&spec_type_oci_seccomp, l->seccomp);
        free(l->seccomp);
        l->seccomp = NULL;
    }
    for (size_t i = 0; i < cfg->mounts_len; i++) {
        struct oci_mount *m = &cfg->mounts[i];
        if (m->type == NULL || (strcmp(m->type, "sysfs") != 0 && strcmp(m->type, "cgroup") != 0))
            continue;
        for (size_t j = 0; j < m->options_len; j++)
            if (strcmp(m->options[j], "ro") == 0) {
                free(m->options[j]);
                if ((m->options[j] = strdup("rw")) == NULL)
                    return keel_syserror(err, "mounts");
            }
    }
    if (add_tree(l, "/dev", "/dev", NULL, 0, err) < 0)
        return -1;
    /* the cgroup allows every device, as docker's privileged containers */
    struct oci_resources *r = resources_of(l);
    if (r == NULL)
        return keel_syserror(err, "linux.resources");
    for (size_t i = 0; i < r->devices_len; i++)
        spec_release(&spec_type_oci_device_cgroup, &r->devices[i]);
    r->devices_len = 0;
    if (allow_device(l, NULL, -1, -1, "rwm") < 0)
        return keel_syserror(err, "linux.resources.devices");
    return 0;
}

static int apply_seccomp(const char *seccomp, struct oci_linux *l, keel_err *err)
{
    if (l->seccomp != NULL) {
        spec_release(&spec_type_oci_seccomp, l->seccomp);
        free(l->seccomp);
        l->seccomp = NULL;
    }
    if (strcmp(seccomp, "unconfined") == 0)
        return 0;
    /* docker's profile format: OCI's seccomp object plus keys (archMap,
     * includes, excludes) that the parser leaves out */
    struct oci_seccomp *s = calloc(1, sizeof *s);
    if (s == NULL)
        return keel_syserror(err, "linux.seccomp");
    if (spec_parse_file(&spec_type_oci_seccomp, seccomp, s, err) < 0) {
        free(s);
        return keel_error_wrap(err, "opening seccomp profile (%s) failed", seccomp);
    }
    l->seccomp = s;
    return 0;
}

int bundle_security_apply(const struct bundle_options *o, struct oci_config *cfg, keel_err *err)
{
    if (o->privileged && apply_privileged(cfg, err) < 0)
        return -1;
    if (cfg->process != NULL && apply_caps(o, cfg->process, err) < 0)
        return -1;
    for (size_t i = 0; i < o->devices_len; i++)
        if (add_device(cfg->linux, o->devices[i], err) < 0)
            return -1;
    if (o->no_new_privileges && cfg->process != NULL)
        cfg->process->noNewPrivileges = cfg->process->has_noNewPrivileges = true;
    if (o->seccomp != NULL && apply_seccomp(o->seccomp, cfg->linux, err) < 0)
        return -1;
    if (o->apparmor != NULL && cfg->process != NULL && strcmp(o->apparmor, "unconfined") != 0) {
        free(cfg->process->apparmorProfile);
        if ((cfg->process->apparmorProfile = strdup(o->apparmor)) == NULL)
            return keel_syserror(err, "process.apparmorProfile");
    }
    return 0;
}
