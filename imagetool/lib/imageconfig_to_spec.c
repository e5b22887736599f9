/* The runtime config a bundle gets: the image's execution parameters over
 * docker's defaults for a container (moby's oci/defaults.go describes them). */
#include "imageconfig_to_spec.h"

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keel/cleanup.h"
#include "passwd.h"

#define OCI_VERSION "1.0.2"
#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *const default_caps[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
    "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
};

/* cgroup stays the host's, as docker does on a cgroup v1 host. */
static const char *const default_namespaces[] = {"pid", "network", "ipc", "uts", "mount"};

static const struct {
    const char *destination, *type, *source, *options;
} default_mounts[] = {
    {"/proc", "proc", "proc", "nosuid,noexec,nodev"},
    {"/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k"},
    {"/dev/pts", "devpts", "devpts", "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5"},
    {"/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro"},
    {"/sys/fs/cgroup", "cgroup", "cgroup", "ro,nosuid,noexec,nodev"},
    {"/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev"},
    {"/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=67108864"},
};

static const char *const masked_paths[] = {
    "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
};

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int strs_from(char ***v, size_t *len, const char *const *src, size_t n)
{
    *v = calloc(1, sizeof **v);
    if (*v == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (spec_strs_append(v, len, src[i]) < 0)
            return -1;
    return 0;
}

/* Appends the comma-separated items of `list` to a STRS field. */
static int strs_split(char ***v, size_t *len, const char *list)
{
    cleanup_free char *copy = strdup(list);
    if (copy == NULL)
        return -1;
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save))
        if (spec_strs_append(v, len, t) < 0)
            return -1;
    return 0;
}

static bool env_has(const struct oci_process *p, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < p->env_len; i++)
        if (strncmp(p->env[i], name, n) == 0 && p->env[i][n] == '=')
            return true;
    return false;
}

static int build_process(const struct oci_image_exec_config *c, const struct bundle_options *o,
                         int rootfd, struct oci_process *p, keel_err *err)
{
    p->terminal = o != NULL && o->tty;
    p->has_terminal = true;
    if (bundle_options_args(o, c, p, err) < 0)
        return -1;

    p->env = calloc(1, sizeof *p->env);
    if (p->env == NULL)
        return keel_syserror(err, "process.env");
    for (size_t i = 0; c != NULL && i < c->Env_len; i++)
        if (spec_strs_append(&p->env, &p->env_len, c->Env[i]) < 0)
            return keel_syserror(err, "process.env");
    if (bundle_options_env(o, p, err) < 0)
        return -1;

    const char *cwd = c != NULL && c->WorkingDir != NULL && c->WorkingDir[0] != '\0'
                          ? c->WorkingDir : "/";
    p->cwd = strdup(o != NULL && o->workdir != NULL ? o->workdir : cwd);
    p->user = calloc(1, sizeof *p->user);
    if (p->cwd == NULL || p->user == NULL)
        return keel_syserror(err, "process");
    cleanup_free char *home = NULL;
    const char *user = o != NULL && o->user != NULL ? o->user : c != NULL ? c->User : NULL;
    if (user_resolve(rootfd, user, p->user, &home, err) < 0)
        return -1;

    /* Docker's additions, only for variables the image does not set. */
    if (!env_has(p, "PATH") && spec_strs_append(&p->env, &p->env_len, DEFAULT_PATH) < 0)
        return keel_syserror(err, "process.env");
    if (!env_has(p, "HOME")) {
        cleanup_free char *h = NULL;
        if (asprintf(&h, "HOME=%s", home) < 0 || spec_strs_append(&p->env, &p->env_len, h) < 0)
            return keel_syserror(err, "process.env");
    }

    struct oci_capabilities *caps = p->capabilities = calloc(1, sizeof *caps);
    if (caps == NULL ||
        strs_from(&caps->bounding, &caps->bounding_len, default_caps, NELEM(default_caps)) < 0 ||
        strs_from(&caps->permitted, &caps->permitted_len, default_caps, NELEM(default_caps)) < 0 ||
        strs_from(&caps->effective, &caps->effective_len, default_caps, NELEM(default_caps)) < 0)
        return keel_syserror(err, "process.capabilities");
    return 0;
}

static int set_annotation(struct oci_config *s, const char *key, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return 0;
    return spec_map_set(&s->annotations_keys, &s->annotations, &s->annotations_len, key, value);
}

static char *join(char *const *v, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + 1;
    char *out = calloc(1, len);
    for (size_t i = 0; out != NULL && i < n; i++) {
        if (i > 0)
            strcat(out, ",");
        strcat(out, v[i]);
    }
    return out;
}

static int build_annotations(const struct oci_image_config *img, struct oci_config *s,
                             keel_err *err)
{
    const struct oci_image_exec_config *c = img->config;
    cleanup_free char *features = img->os_features_len > 0
                                      ? join(img->os_features, img->os_features_len) : NULL;
    cleanup_free char *ports = c != NULL && c->ExposedPorts_len > 0
                                   ? join(c->ExposedPorts, c->ExposedPorts_len) : NULL;
    /* the image's VOLUMEs, for the anonymous volumes a front end makes */
    cleanup_free char *volumes = c != NULL && c->Volumes_len > 0
                                     ? join(c->Volumes, c->Volumes_len) : NULL;
    /* How many of process.args are the Entrypoint, so that a front end can
     * replace Cmd (docker run IMAGE CMD...) without reading the image again. */
    char entrypoint_args[24];
    snprintf(entrypoint_args, sizeof entrypoint_args, "%zu", c != NULL ? c->Entrypoint_len : 0);
    s->annotations_keys = calloc(1, sizeof(char *));
    s->annotations = calloc(1, sizeof(char *));
    if (s->annotations_keys == NULL || s->annotations == NULL ||
        set_annotation(s, "org.opencontainers.image.os", img->os) < 0 ||
        set_annotation(s, "org.opencontainers.image.architecture", img->architecture) < 0 ||
        set_annotation(s, "org.opencontainers.image.variant", img->variant) < 0 ||
        set_annotation(s, "org.opencontainers.image.os.version", img->os_version) < 0 ||
        set_annotation(s, "org.opencontainers.image.os.features", features) < 0 ||
        set_annotation(s, "org.opencontainers.image.author", img->author) < 0 ||
        set_annotation(s, "org.opencontainers.image.created", img->created) < 0 ||
        set_annotation(s, "org.opencontainers.image.stopSignal",
                       c != NULL ? c->StopSignal : NULL) < 0 ||
        set_annotation(s, "org.opencontainers.image.exposedPorts", ports) < 0 ||
        set_annotation(s, "io.keel.image.volumes", volumes) < 0 ||
        set_annotation(s, "io.keel.image.entrypoint-args", entrypoint_args) < 0)
        return keel_syserror(err, "annotations");
    /* Labels last: they take precedence over the implicit annotations. */
    for (size_t i = 0; c != NULL && i < c->Labels_len; i++)
        if (spec_map_set(&s->annotations_keys, &s->annotations, &s->annotations_len,
                         c->Labels_keys[i], c->Labels[i]) < 0)
            return keel_syserror(err, "annotations");
    return 0;
}

static int build_mounts(struct oci_config *s, keel_err *err)
{
    s->mounts = calloc(NELEM(default_mounts), sizeof *s->mounts);
    if (s->mounts == NULL)
        return keel_syserror(err, "mounts");
    for (size_t i = 0; i < NELEM(default_mounts); i++) {
        struct oci_mount *m = &s->mounts[s->mounts_len++];
        m->destination = strdup(default_mounts[i].destination);
        m->type = strdup(default_mounts[i].type);
        m->source = strdup(default_mounts[i].source);
        m->options = calloc(1, sizeof *m->options);
        if (m->destination == NULL || m->type == NULL || m->source == NULL ||
            m->options == NULL || strs_split(&m->options, &m->options_len,
                                             default_mounts[i].options) < 0)
            return keel_syserror(err, "mounts");
    }
    return 0;
}

static int build_linux(struct oci_config *s, keel_err *err)
{
    struct oci_linux *l = s->linux = calloc(1, sizeof *l);
    if (l == NULL || (l->namespaces = calloc(NELEM(default_namespaces),
                                             sizeof *l->namespaces)) == NULL)
        return keel_syserror(err, "linux");
    for (size_t i = 0; i < NELEM(default_namespaces); i++)
        if ((l->namespaces[l->namespaces_len++].type = strdup(default_namespaces[i])) == NULL)
            return keel_syserror(err, "linux.namespaces");
    if (strs_from(&l->maskedPaths, &l->maskedPaths_len, masked_paths, NELEM(masked_paths)) < 0 ||
        strs_from(&l->readonlyPaths, &l->readonlyPaths_len, readonly_paths,
                  NELEM(readonly_paths)) < 0)
        return keel_syserror(err, "linux");

    /* every device denied but those the runtime creates itself */
    struct oci_resources *r = l->resources = calloc(1, sizeof *r);
    if (r == NULL || (r->devices = calloc(1, sizeof *r->devices)) == NULL ||
        (r->devices[0].access = strdup("rwm")) == NULL)
        return keel_syserror(err, "linux.resources");
    r->devices_len = 1;
    r->devices[0].has_allow = true;
    return 0;
}

int imageconfig_to_spec(const struct oci_image_config *img, const struct bundle_options *o,
                        int rootfd, struct oci_config *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    struct oci_config *s = out;
    s->ociVersion = strdup(OCI_VERSION);
    s->root = calloc(1, sizeof *s->root);
    s->process = calloc(1, sizeof *s->process);
    if (s->ociVersion == NULL || s->root == NULL || s->process == NULL ||
        (s->root->path = strdup("rootfs")) == NULL) {
        spec_release(&spec_type_oci_config, s);
        return keel_syserror(err, "runtime config");
    }
    if (build_process(img->config, o, rootfd, s->process, err) < 0 ||
        build_annotations(img, s, err) < 0 || build_mounts(s, err) < 0 ||
        build_linux(s, err) < 0 || bundle_options_apply(o, s, err) < 0) {
        spec_release(&spec_type_oci_config, s);
        return -1;
    }
    return 0;
}
