/* keel-image bundle's docker-run-like options applied to the config made from
 * the image (docker run's semantics for each flag). */
#include "bundle_options.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keel/cleanup.h"

int bundle_options_args(const struct bundle_options *o, const struct oci_image_exec_config *c,
                        struct oci_process *p, keel_err *err)
{
    if (o != NULL && o->entrypoint_set) {
        if (o->entrypoint[0] != '\0' && spec_strs_append(&p->args, &p->args_len, o->entrypoint) < 0)
            return keel_syserror(err, "process.args");
    } else {
        for (size_t i = 0; c != NULL && i < c->Entrypoint_len; i++)
            if (spec_strs_append(&p->args, &p->args_len, c->Entrypoint[i]) < 0)
                return keel_syserror(err, "process.args");
    }
    char *const *cmd = NULL;
    size_t n = 0;
    if (o != NULL && o->cmd_set) {
        cmd = o->cmd;
        n = o->cmd_len;
    } else if ((o == NULL || !o->entrypoint_set) && c != NULL) {
        cmd = c->Cmd;
        n = c->Cmd_len;
    }
    for (size_t i = 0; i < n; i++)
        if (spec_strs_append(&p->args, &p->args_len, cmd[i]) < 0)
            return keel_syserror(err, "process.args");
    if (p->args_len == 0)
        return keel_error(err, EINVAL, "no command specified (neither an Entrypoint nor a Cmd)");
    return 0;
}

/* Sets K=V in env, replacing any K. */
static int env_set(struct oci_process *p, const char *kv)
{
    size_t klen = strcspn(kv, "=");
    size_t j = 0;
    for (size_t i = 0; i < p->env_len; i++) {
        if (strncmp(p->env[i], kv, klen) == 0 && p->env[i][klen] == '=')
            free(p->env[i]);
        else
            p->env[j++] = p->env[i];
    }
    p->env_len = j;
    return spec_strs_append(&p->env, &p->env_len, kv);
}

int bundle_options_env(const struct bundle_options *o, struct oci_process *p, keel_err *err)
{
    for (size_t i = 0; o != NULL && i < o->env_len; i++) {
        const char *kv = o->env[i];
        cleanup_free char *from_caller = NULL;
        if (kv[0] == '\0' || kv[0] == '=')
            return keel_error(err, EINVAL, "invalid environment variable: %s", kv);
        if (strchr(kv, '=') == NULL) {
            const char *v = getenv(kv);
            if (v == NULL)
                continue; /* docker leaves out a variable the caller does not have */
            if (asprintf(&from_caller, "%s=%s", kv, v) < 0)
                return keel_syserror(err, "process.env");
            kv = from_caller;
        }
        if (env_set(p, kv) < 0)
            return keel_syserror(err, "process.env");
    }
    return 0;
}

static int parse_i64(const char *flag, const char *s, int64_t min, int64_t *out, keel_err *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (s[0] == '\0' || *end != '\0' || errno != 0 || v < min)
        return keel_error(err, EINVAL, "invalid %s: %s", flag, s);
    *out = v;
    return 0;
}

/* CPUs as a CFS quota over a 100 ms period, as docker's --cpus. */
static int parse_cpus(const char *s, int64_t *quota, keel_err *err)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (s[0] == '\0' || *end != '\0' || errno != 0 || !(v > 0) || v > 1e6)
        return keel_error(err, EINVAL, "invalid --cpus: %s", s);
    *quota = (int64_t)(v * 100000 + 0.5);
    return 0;
}

static int set_resources(const struct bundle_options *o, struct oci_linux *l, keel_err *err)
{
    if (o->memory == NULL && o->cpus == NULL && o->pids_limit == NULL && o->cpu_shares == NULL)
        return 0;
    if (l->resources == NULL && (l->resources = calloc(1, sizeof *l->resources)) == NULL)
        return keel_syserror(err, "linux.resources");
    struct oci_resources *r = l->resources;
    if (o->memory != NULL) {
        if (r->memory == NULL && (r->memory = calloc(1, sizeof *r->memory)) == NULL)
            return keel_syserror(err, "linux.resources.memory");
        if (parse_i64("--memory", o->memory, 1, &r->memory->limit, err) < 0)
            return -1;
        r->memory->has_limit = true;
    }
    if (o->cpus != NULL) {
        if (r->cpu == NULL && (r->cpu = calloc(1, sizeof *r->cpu)) == NULL)
            return keel_syserror(err, "linux.resources.cpu");
        if (parse_cpus(o->cpus, &r->cpu->quota, err) < 0)
            return -1;
        r->cpu->has_quota = true;
        r->cpu->period = 100000;
        r->cpu->has_period = true;
    }
    if (o->cpu_shares != NULL) {
        int64_t shares;
        if (r->cpu == NULL && (r->cpu = calloc(1, sizeof *r->cpu)) == NULL)
            return keel_syserror(err, "linux.resources.cpu");
        if (parse_i64("--cpu-shares", o->cpu_shares, 0, &shares, err) < 0)
            return -1;
        /* 0 is docker's "unset"; the kernel's minimum is 2 */
        if (shares > 0) {
            r->cpu->shares = (uint64_t)(shares < 2 ? 2 : shares);
            r->cpu->has_shares = true;
        }
    }
    if (o->pids_limit != NULL) {
        if (r->pids == NULL && (r->pids = calloc(1, sizeof *r->pids)) == NULL)
            return keel_syserror(err, "linux.resources.pids");
        if (parse_i64("--pids-limit", o->pids_limit, -1, &r->pids->limit, err) < 0)
            return -1;
        r->pids->has_limit = true;
    }
    return 0;
}

/* Drops the namespace entry of TYPE, then adds the one asked for (FLAG
 * names the option in errors). */
static int set_ns(const char *type, const char *flag, const char *netns, struct oci_linux *l,
                  keel_err *err)
{
    size_t j = 0;
    for (size_t i = 0; i < l->namespaces_len; i++) {
        if (l->namespaces[i].type != NULL && strcmp(l->namespaces[i].type, type) == 0)
            spec_release(&spec_type_oci_namespace, &l->namespaces[i]);
        else
            l->namespaces[j++] = l->namespaces[i];
    }
    l->namespaces_len = j;
    if (strcmp(netns, "host") == 0)
        return 0;
    if (strcmp(netns, "none") != 0 && netns[0] != '/')
        return keel_error(err, EINVAL, "invalid %s %s: none, host or an absolute path", flag, netns);
    struct oci_namespace *grown = realloc(l->namespaces, (j + 1) * sizeof *grown);
    if (grown == NULL)
        return keel_syserror(err, "linux.namespaces");
    l->namespaces = grown;
    memset(&grown[j], 0, sizeof grown[j]);
    l->namespaces_len++;
    if ((grown[j].type = strdup(type)) == NULL ||
        (netns[0] == '/' && (grown[j].path = strdup(netns)) == NULL))
        return keel_syserror(err, "linux.namespaces");
    return 0;
}

/* SRC:DST[:ro|:rw] -> a bind mount, replacing any mount at DST. */
static int add_mount(struct oci_config *cfg, const char *spec, keel_err *err)
{
    cleanup_free char *copy = strdup(spec);
    if (copy == NULL)
        return keel_syserror(err, "mounts");
    char *dst = strchr(copy, ':');
    char *mode = dst != NULL ? strchr(dst + 1, ':') : NULL;
    if (dst != NULL)
        *dst++ = '\0';
    if (mode != NULL)
        *mode++ = '\0';
    if (dst == NULL || copy[0] != '/' || dst[0] != '/' ||
        (mode != NULL && strcmp(mode, "ro") != 0 && strcmp(mode, "rw") != 0))
        return keel_error(err, EINVAL, "invalid --mount %s: SRC:DST[:ro|:rw], both absolute", spec);
    size_t j = 0;
    for (size_t i = 0; i < cfg->mounts_len; i++) {
        if (cfg->mounts[i].destination != NULL && strcmp(cfg->mounts[i].destination, dst) == 0)
            spec_release(&spec_type_oci_mount, &cfg->mounts[i]);
        else
            cfg->mounts[j++] = cfg->mounts[i];
    }
    cfg->mounts_len = j;
    struct oci_mount *grown = realloc(cfg->mounts, (j + 1) * sizeof *grown);
    if (grown == NULL)
        return keel_syserror(err, "mounts");
    cfg->mounts = grown;
    struct oci_mount *m = &grown[j];
    memset(m, 0, sizeof *m);
    cfg->mounts_len++;
    if ((m->destination = strdup(dst)) == NULL || (m->source = strdup(copy)) == NULL ||
        (m->type = strdup("bind")) == NULL || (m->options = calloc(1, sizeof(char *))) == NULL ||
        spec_strs_append(&m->options, &m->options_len, "rbind") < 0 ||
        spec_strs_append(&m->options, &m->options_len, mode != NULL ? mode : "rw") < 0 ||
        spec_strs_append(&m->options, &m->options_len, "rprivate") < 0)
        return keel_syserror(err, "mounts");
    return 0;
}

static int add_annotation(struct oci_config *cfg, const char *kv, keel_err *err)
{
    cleanup_free char *key = strdup(kv);
    if (key == NULL)
        return keel_syserror(err, "annotations");
    char *v = strchr(key, '=');
    if (v == NULL || v == key)
        return keel_error(err, EINVAL, "invalid --annotation %s: K=V", kv);
    *v++ = '\0';
    if (spec_map_set(&cfg->annotations_keys, &cfg->annotations, &cfg->annotations_len, key, v) < 0)
        return keel_syserror(err, "annotations");
    return 0;
}

/* --ulimit NAME=SOFT[:HARD] -> process.rlimits RLIMIT_NAME (replacing one). */
static int add_ulimit(struct oci_process *p, const char *spec, keel_err *err)
{
    static const char *const names[] = {"as", "core", "cpu", "data", "fsize", "locks",
                                        "memlock", "msgqueue", "nice", "nofile", "nproc", "rss",
                                        "rtprio", "rttime", "sigpending", "stack"};
    const char *eq = strchr(spec, '=');
    if (eq == NULL)
        return keel_error(err, EINVAL, "invalid ulimit argument: %s", spec);
    size_t i = 0, nlen = (size_t)(eq - spec);
    while (i < sizeof names / sizeof names[0] &&
           (strlen(names[i]) != nlen || strncmp(names[i], spec, nlen) != 0))
        i++;
    if (i == sizeof names / sizeof names[0])
        return keel_error(err, EINVAL, "invalid ulimit type: %.*s", (int)nlen, spec);
    char *end;
    errno = 0;
    long long soft = strtoll(eq + 1, &end, 10), hard = soft;
    if (end != eq + 1 && *end == ':') {
        const char *h = end + 1;
        hard = strtoll(h, &end, 10);
        if (end == h)
            end = (char *)h - 1; /* "N:" is an error below */
    }
    if (end == eq + 1 || *end != '\0' || errno != 0 || soft < -1 || hard < -1)
        return keel_error(err, EINVAL, "invalid ulimit argument: %s", spec);
    if (hard != -1 && (soft == -1 || soft > hard))
        return keel_error(err, EINVAL, "ulimit soft limit must be less than or equal to hard limit: %lld > %lld",
                          soft, hard);
    char type[32];
    snprintf(type, sizeof type, "RLIMIT_%s", names[i]);
    for (char *c = type + 7; *c != '\0'; c++)
        *c = (char)(*c - 'a' + 'A');
    size_t j = 0;
    for (size_t k = 0; k < p->rlimits_len; k++) {
        if (p->rlimits[k].type != NULL && strcmp(p->rlimits[k].type, type) == 0)
            spec_release(&spec_type_oci_rlimit, &p->rlimits[k]);
        else
            p->rlimits[j++] = p->rlimits[k];
    }
    struct oci_rlimit *grown = realloc(p->rlimits, (j + 1) * sizeof *grown);
    if (grown == NULL)
        return keel_syserror(err, "process.rlimits");
    p->rlimits = grown;
    p->rlimits_len = j + 1;
    struct oci_rlimit *r = &grown[j];
    memset(r, 0, sizeof *r);
    r->soft = (uint64_t)soft, r->has_soft = true; /* -1: unlimited (all bits set) */
    r->hard = (uint64_t)hard, r->has_hard = true;
    if ((r->type = strdup(type)) == NULL)
        return keel_syserror(err, "process.rlimits");
    return 0;
}

/* --shm-size: the size= option of the /dev/shm mount. */
static int set_shm_size(struct oci_config *cfg, const char *bytes, keel_err *err)
{
    int64_t n;
    if (parse_i64("--shm-size", bytes, 1, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < cfg->mounts_len; i++) {
        struct oci_mount *m = &cfg->mounts[i];
        if (m->destination == NULL || strcmp(m->destination, "/dev/shm") != 0)
            continue;
        size_t j = 0;
        for (size_t k = 0; k < m->options_len; k++) {
            if (strncmp(m->options[k], "size=", 5) == 0)
                free(m->options[k]);
            else
                m->options[j++] = m->options[k];
        }
        m->options_len = j;
        char opt[32];
        snprintf(opt, sizeof opt, "size=%" PRId64, n);
        if (spec_strs_append(&m->options, &m->options_len, opt) < 0)
            return keel_syserror(err, "mounts");
        return 0;
    }
    return keel_error(err, EINVAL, "--shm-size: the config has no /dev/shm mount");
}

/* --init: the init binary mounted read-only at BUNDLE_INIT_PATH, in front of
 * the command ("docker-init -- CMD...", as docker runs tini). */
static int set_init(struct oci_config *cfg, const char *init, keel_err *err)
{
    if (init[0] != '/')
        return keel_error(err, EINVAL, "invalid --init %s: an absolute path", init);
    cleanup_free char *spec = NULL;
    if (asprintf(&spec, "%s:%s:ro", init, BUNDLE_INIT_PATH) < 0)
        return keel_syserror(err, "mounts");
    if (add_mount(cfg, spec, err) < 0)
        return -1;
    struct oci_process *p = cfg->process;
    char **args = calloc(p->args_len + 3, sizeof *args);
    if (args == NULL || (args[0] = strdup(BUNDLE_INIT_PATH)) == NULL ||
        (args[1] = strdup("--")) == NULL) {
        if (args != NULL)
            free(args[0]);
        free(args);
        return keel_syserror(err, "process.args");
    }
    memcpy(args + 2, p->args, p->args_len * sizeof *args);
    free(p->args);
    p->args = args;
    p->args_len += 2;
    return 0;
}

static int replace_str(char **field, const char *value)
{
    char *copy = strdup(value);
    if (copy == NULL)
        return -1;
    free(*field);
    *field = copy;
    return 0;
}

int bundle_options_apply(const struct bundle_options *o, struct oci_config *cfg, keel_err *err)
{
    if (o == NULL)
        return 0;
    if (o->hostname != NULL && replace_str(&cfg->hostname, o->hostname) < 0)
        return keel_syserror(err, "hostname");
    if (o->read_only) {
        cfg->root->readonly = true;
        cfg->root->has_readonly = true;
    }
    if (o->cgroups_path != NULL && replace_str(&cfg->linux->cgroupsPath, o->cgroups_path) < 0)
        return keel_syserror(err, "linux.cgroupsPath");
    if ((o->netns != NULL && set_ns("network", "--netns", o->netns, cfg->linux, err) < 0) ||
        (o->pidns != NULL && set_ns("pid", "--pidns", o->pidns, cfg->linux, err) < 0) ||
        (o->ipcns != NULL && set_ns("ipc", "--ipcns", o->ipcns, cfg->linux, err) < 0) ||
        set_resources(o, cfg->linux, err) < 0)
        return -1;
    if ((o->ulimits_len > 0 || o->init != NULL) && cfg->process == NULL)
        return keel_error(err, EINVAL, "--ulimit, --init: the config has no process");
    for (size_t i = 0; i < o->ulimits_len; i++)
        if (add_ulimit(cfg->process, o->ulimits[i], err) < 0)
            return -1;
    if ((o->shm_size != NULL && set_shm_size(cfg, o->shm_size, err) < 0) ||
        (o->init != NULL && set_init(cfg, o->init, err) < 0) ||
        bundle_security_apply(o, cfg, err) < 0)
        return -1;
    for (size_t i = 0; i < o->mounts_len; i++)
        if (add_mount(cfg, o->mounts[i], err) < 0)
            return -1;
    for (size_t i = 0; i < o->annotations_len; i++)
        if (add_annotation(cfg, o->annotations[i], err) < 0)
            return -1;
    return 0;
}
