/* Instructions that change only the image config (each a history entry with
 * empty_layer), ARG scoping, and WORKDIR (created in a layer when missing). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_strings.h"
#include "keel/cleanup.h"
#include "layer_path.h"
#include "step.h"

/* What a handler gives back: the history's created_by, which is also what
 * goes into the cache key. */
struct change {
    char *created_by;
};

typedef int handler_fn(struct builder *b, struct stage_image *st, const struct df_instr *in,
                       const struct subst *sub, struct change *ch, keel_err *err);

static int line_error(struct builder *b, const struct df_instr *in, keel_err *err)
{
    return keel_error_wrap(err, "%s:%d", b->dfname, in->line);
}

/* Appends a formatted string to *out (malloc'd). */
static int fmt(char **out, const char *f, ...) __attribute__((format(printf, 2, 3)));
static int fmt(char **out, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *add;
    int n = vasprintf(&add, f, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    char *joined;
    n = asprintf(&joined, "%s%s", *out != NULL ? *out : "", add);
    free(add);
    if (n < 0)
        return -1;
    free(*out);
    *out = joined;
    return 0;
}

/* KEY=VALUE pairs (ENV, LABEL), or the legacy `KEY VALUE` form. */
typedef int pair_fn(struct stage_image *st, const char *k, const char *v);

static int pairs(struct builder *b, struct stage_image *st, const struct df_instr *in,
                 const struct subst *sub, const char *kw, pair_fn *set, struct change *ch,
                 keel_err *err)
{
    cleanup_strv char **w = NULL;
    size_t n;
    if (split_raw_words(in->rest, b->df.escape, &w, &n, err) < 0)
        return -1;
    if (fmt(&ch->created_by, "%s", kw) < 0)
        return keel_syserror(err, "%s", kw);
    if (n > 0 && strchr(w[0], '=') == NULL) {
        const char *rest = in->rest + strlen(w[0]);
        while (isspace((unsigned char)*rest))
            rest++;
        cleanup_free char *v = NULL;
        if (n < 2)
            return keel_error(err, 0, "%s:%d: %s must have two arguments", b->dfname, in->line,
                              kw);
        if (subst_word(sub, rest, &v, err) < 0)
            return line_error(b, in, err);
        if (set(st, w[0], v) < 0 || fmt(&ch->created_by, " %s=%s", w[0], v) < 0)
            return keel_syserror(err, "%s", kw);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *kv = NULL;
        if (subst_word(sub, w[i], &kv, err) < 0)
            return line_error(b, in, err);
        char *eq = strchr(kv, '=');
        if (eq == NULL || eq == kv)
            return keel_error(err, 0, "%s:%d: %s names can not be blank", b->dfname, in->line,
                              kw);
        *eq = '\0';
        if (set(st, kv, eq + 1) < 0 || fmt(&ch->created_by, " %s=%s", kv, eq + 1) < 0)
            return keel_syserror(err, "%s", kw);
    }
    return 0;
}

static int set_env(struct stage_image *st, const char *k, const char *v)
{
    return stage_env_set(st, k, v);
}

static int set_label(struct stage_image *st, const char *k, const char *v)
{
    struct oci_image_exec_config *c = st->cfg.config;
    return spec_map_set(&c->Labels_keys, &c->Labels, &c->Labels_len, k, v);
}

static int do_env(struct builder *b, struct stage_image *st, const struct df_instr *in,
                  const struct subst *sub, struct change *ch, keel_err *err)
{
    return pairs(b, st, in, sub, "ENV", set_env, ch, err);
}

static int do_label(struct builder *b, struct stage_image *st, const struct df_instr *in,
                    const struct subst *sub, struct change *ch, keel_err *err)
{
    return pairs(b, st, in, sub, "LABEL", set_label, ch, err);
}

static int set_add(char ***v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], s) == 0)
            return 0;
    return spec_strs_append(v, n, s);
}

static int do_expose(struct builder *b, struct stage_image *st, const struct df_instr *in,
                     const struct subst *sub, struct change *ch, keel_err *err)
{
    struct oci_image_exec_config *c = st->cfg.config;
    cleanup_strv char **w = NULL;
    size_t n;
    if (subst_words(sub, in->rest, &w, &n, err) < 0)
        return line_error(b, in, err);
    if (fmt(&ch->created_by, "EXPOSE map[") < 0)
        return keel_syserror(err, "EXPOSE");
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        /* PORT[-LAST][/PROTO], a range giving each of its ports */
        char *end, *last_end;
        long p = strtol(w[i], &end, 10), last = p;
        if (*end == '-') {
            last = strtol(end + 1, &last_end, 10);
            end = last_end;
        }
        const char *proto = *end == '/' ? end + 1 : "tcp";
        if (p <= 0 || last < p || last > 65535 || (*end != '\0' && *end != '/') ||
            (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0 && strcmp(proto, "sctp") != 0))
            return keel_error(err, 0, "%s:%d: invalid containerPort: %s", b->dfname, in->line,
                              w[i]);
        for (long k = p; k <= last; k++, first = false) {
            char port[32];
            snprintf(port, sizeof port, "%ld/%s", k, proto);
            if (set_add(&c->ExposedPorts, &c->ExposedPorts_len, port) < 0 ||
                fmt(&ch->created_by, "%s%s:{}", first ? "" : " ", port) < 0)
                return keel_syserror(err, "EXPOSE");
        }
    }
    return fmt(&ch->created_by, "]") < 0 ? keel_syserror(err, "EXPOSE") : 0;
}

/* USER, STOPSIGNAL, MAINTAINER: one substituted word into a field. */
static int one_word(struct builder *b, const struct df_instr *in, const struct subst *sub,
                    const char *kw, char **field, struct change *ch, keel_err *err)
{
    char *v = NULL;
    if (subst_word(sub, in->rest, &v, err) < 0)
        return line_error(b, in, err);
    free(*field);
    *field = v;
    return fmt(&ch->created_by, "%s %s", kw, v) < 0 ? keel_syserror(err, "%s", kw) : 0;
}

static int do_user(struct builder *b, struct stage_image *st, const struct df_instr *in,
                   const struct subst *sub, struct change *ch, keel_err *err)
{
    return one_word(b, in, sub, "USER", &st->cfg.config->User, ch, err);
}

static int do_stopsignal(struct builder *b, struct stage_image *st, const struct df_instr *in,
                         const struct subst *sub, struct change *ch, keel_err *err)
{
    return one_word(b, in, sub, "STOPSIGNAL", &st->cfg.config->StopSignal, ch, err);
}

static int do_maintainer(struct builder *b, struct stage_image *st, const struct df_instr *in,
                         const struct subst *sub, struct change *ch, keel_err *err)
{
    return one_word(b, in, sub, "MAINTAINER", &st->cfg.author, ch, err);
}

/* The words of an exec form (substituted when subst is set) or a shell form
 * run by the stage's shell. */
static int command(const struct stage_image *st, const struct df_instr *in, char ***out,
                   size_t *n, keel_err *err)
{
    *out = calloc(1, sizeof **out);
    *n = 0;
    if (*out == NULL)
        return keel_syserror(err, "%s", in->keyword);
    if (in->json) {
        for (size_t i = 0; i < in->args_len; i++)
            if (spec_strs_append(out, n, in->args[i]) < 0)
                return keel_syserror(err, "%s", in->keyword);
        return 0;
    }
    const struct oci_image_exec_config *c = st->cfg.config;
    static char *const sh[] = {"/bin/sh", "-c"};
    char *const *shell = c->Shell_len > 0 ? c->Shell : sh;
    size_t k = c->Shell_len > 0 ? c->Shell_len : 2;
    for (size_t i = 0; i < k; i++)
        if (spec_strs_append(out, n, shell[i]) < 0)
            return keel_syserror(err, "%s", in->keyword);
    return spec_strs_append(out, n, in->rest) < 0 ? keel_syserror(err, "%s", in->keyword) : 0;
}

static void strs_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ["a" "b"], as docker's history shows a list. */
static int list_text(struct change *ch, const char *kw, char **v, size_t n)
{
    if (fmt(&ch->created_by, "%s [", kw) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (fmt(&ch->created_by, "%s\"%s\"", i > 0 ? " " : "", v[i]) < 0)
            return -1;
    return fmt(&ch->created_by, "]");
}

/* Replaces a command field (Cmd, Entrypoint, Shell) with the instruction's. */
static int set_command(const struct stage_image *st, const struct df_instr *in, char ***field,
                       size_t *len, const char *kw, struct change *ch, keel_err *err)
{
    char **v;
    size_t n;
    if (command(st, in, &v, &n, err) < 0) {
        strs_free(v, n);
        return -1;
    }
    strs_free(*field, *len);
    *field = v;
    *len = n;
    return list_text(ch, kw, v, n) < 0 ? keel_syserror(err, "%s", kw) : 0;
}

static int do_cmd(struct builder *b, struct stage_image *st, const struct df_instr *in,
                  const struct subst *sub, struct change *ch, keel_err *err)
{
    (void)b, (void)sub;
    struct oci_image_exec_config *c = st->cfg.config;
    st->cmd_set = true;
    return set_command(st, in, &c->Cmd, &c->Cmd_len, "CMD", ch, err);
}

static int do_entrypoint(struct builder *b, struct stage_image *st, const struct df_instr *in,
                         const struct subst *sub, struct change *ch, keel_err *err)
{
    (void)b, (void)sub;
    struct oci_image_exec_config *c = st->cfg.config;
    if (!st->cmd_set) { /* the base image's CMD does not outlive a new ENTRYPOINT */
        strs_free(c->Cmd, c->Cmd_len);
        c->Cmd = NULL, c->Cmd_len = 0;
    }
    return set_command(st, in, &c->Entrypoint, &c->Entrypoint_len, "ENTRYPOINT", ch, err);
}

static int do_shell(struct builder *b, struct stage_image *st, const struct df_instr *in,
                    const struct subst *sub, struct change *ch, keel_err *err)
{
    (void)b, (void)sub;
    struct oci_image_exec_config *c = st->cfg.config;
    return set_command(st, in, &c->Shell, &c->Shell_len, "SHELL", ch, err);
}

static int do_volume(struct builder *b, struct stage_image *st, const struct df_instr *in,
                     const struct subst *sub, struct change *ch, keel_err *err)
{
    struct oci_image_exec_config *c = st->cfg.config;
    cleanup_strv char **w = NULL;
    size_t n = 0;
    if (in->json) {
        if ((w = calloc(in->args_len + 1, sizeof *w)) == NULL)
            return keel_syserror(err, "VOLUME");
        for (; n < in->args_len; n++)
            if (subst_word(sub, in->args[n], &w[n], err) < 0)
                return line_error(b, in, err);
    } else if (subst_words(sub, in->rest, &w, &n, err) < 0) {
        return line_error(b, in, err);
    }
    for (size_t i = 0; i < n; i++) {
        if (w[i][0] == '\0')
            return keel_error(err, 0, "%s:%d: VOLUME specified can not be an empty string",
                              b->dfname, in->line);
        if (set_add(&c->Volumes, &c->Volumes_len, w[i]) < 0)
            return keel_syserror(err, "VOLUME");
    }
    return list_text(ch, "VOLUME", w, n) < 0 ? keel_syserror(err, "VOLUME") : 0;
}

static int do_onbuild(struct builder *b, struct stage_image *st, const struct df_instr *in,
                      const struct subst *sub, struct change *ch, keel_err *err)
{
    (void)b, (void)sub;
    struct oci_image_exec_config *c = st->cfg.config;
    if (spec_strs_append(&c->OnBuild, &c->OnBuild_len, in->rest) < 0 ||
        fmt(&ch->created_by, "ONBUILD %s", in->rest) < 0)
        return keel_syserror(err, "ONBUILD");
    return 0;
}

/* "1m30s", "500ms", "10s" to nanoseconds (Go's time.ParseDuration units). */
static int duration(const char *s, int64_t *out)
{
    static const struct { const char *u; int64_t ns; } units[] = {
        {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000LL},
        {"m", 60000000000LL}, {"h", 3600000000000LL},
    };
    double total = 0;
    if (*s == '\0')
        return -1;
    while (*s != '\0') {
        char *end;
        double v = strtod(s, &end);
        if (end == s)
            return -1;
        size_t best = 0, bl = 0;
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            size_t l = strlen(units[i].u);
            if (strncmp(end, units[i].u, l) == 0 && l > bl && !isalpha((unsigned char)end[l]))
                best = i, bl = l;
        }
        if (bl == 0)
            return -1;
        total += v * (double)units[best].ns;
        s = end + bl;
    }
    *out = (int64_t)total;
    return 0;
}

static int health_flags(struct builder *b, const struct df_instr *in, struct docker_healthcheck *h,
                        keel_err *err)
{
    static const char *const allowed[] = {"interval", "timeout", "start-period",
                                          "start-interval", "retries", NULL};
    if (df_flags_check(in, allowed, b->dfname, err) < 0)
        return -1;
    struct { const char *name; int64_t *v; bool *has; } d[] = {
        {"interval", &h->Interval, &h->has_Interval},
        {"timeout", &h->Timeout, &h->has_Timeout},
        {"start-period", &h->StartPeriod, &h->has_StartPeriod},
        {"start-interval", &h->StartInterval, &h->has_StartInterval},
    };
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        const char *f = df_flag(in, d[i].name);
        if (f != NULL && duration(f, d[i].v) < 0)
            return keel_error(err, 0, "%s:%d: invalid duration for --%s: %s", b->dfname,
                              in->line, d[i].name, f);
        *d[i].has = f != NULL;
    }
    const char *r = df_flag(in, "retries");
    if (r != NULL) {
        char *end;
        long v = strtol(r, &end, 10);
        if (*r == '\0' || *end != '\0' || v < 0 || v > INT32_MAX)
            return keel_error(err, 0, "%s:%d: invalid --retries: %s", b->dfname, in->line, r);
        h->Retries = (int32_t)v;
        h->has_Retries = true;
    }
    return 0;
}

static int do_healthcheck(struct builder *b, struct stage_image *st, const struct df_instr *in,
                          const struct subst *sub, struct change *ch, keel_err *err)
{
    (void)sub;
    struct oci_image_exec_config *c = st->cfg.config;
    struct docker_healthcheck *h = calloc(1, sizeof *h);
    if (h == NULL)
        return keel_syserror(err, "HEALTHCHECK");
    int rc = 0;
    const char *r = in->rest;
    if (strcasecmp(r, "NONE") == 0) {
        rc = spec_strs_append(&h->Test, &h->Test_len, "NONE");
    } else if (strncasecmp(r, "CMD", 3) == 0 && isspace((unsigned char)r[3])) {
        const char *cmd = r + 4;
        while (isspace((unsigned char)*cmd))
            cmd++;
        char **args;
        size_t n;
        if (json_strings_parse(cmd, &args, &n) == 0) {
            rc = spec_strs_append(&h->Test, &h->Test_len, "CMD");
            for (size_t i = 0; i < n; i++) {
                if (rc == 0)
                    rc = spec_strs_append(&h->Test, &h->Test_len, args[i]);
                free(args[i]);
            }
            free(args);
        } else {
            rc = spec_strs_append(&h->Test, &h->Test_len, "CMD-SHELL");
            if (rc == 0)
                rc = spec_strs_append(&h->Test, &h->Test_len, cmd);
        }
        if (rc < 0)
            rc = keel_syserror(err, "HEALTHCHECK");
        else
            rc = health_flags(b, in, h, err);
    } else {
        rc = keel_error(err, 0, "%s:%d: Unknown type \"%s\" in HEALTHCHECK (try CMD)",
                        b->dfname, in->line, r);
    }
    if (rc == 0 && fmt(&ch->created_by, "HEALTHCHECK %s", r) < 0)
        rc = keel_syserror(err, "HEALTHCHECK");
    if (rc < 0) {
        docker_healthcheck_free(h);
        return -1;
    }
    docker_healthcheck_free(c->Healthcheck);
    c->Healthcheck = h;
    return 0;
}

int arg_declare(struct builder *b, const struct subst *sub, const struct df_instr *in,
                struct vars *scope, const struct vars *globals, keel_err *err)
{
    cleanup_strv char **w = NULL;
    size_t n;
    if (split_raw_words(in->rest, b->df.escape, &w, &n, err) < 0)
        return -1;
    if (n == 0)
        return keel_error(err, 0, "%s:%d: ARG requires at least one argument", b->dfname,
                          in->line);
    for (size_t i = 0; i < n; i++) {
        char *eq = strchr(w[i], '=');
        cleanup_free char *name = eq != NULL ? strndup(w[i], (size_t)(eq - w[i])) : strdup(w[i]);
        cleanup_free char *def = NULL;
        if (name == NULL)
            return keel_syserror(err, "ARG");
        if (eq != NULL && subst_word(sub, eq + 1, &def, err) < 0)
            return line_error(b, in, err);
        int g = globals != NULL ? vars_find(globals, name) : -1;
        int a = vars_find(&b->build_args, name);
        const char *v = a >= 0 ? b->build_args.values[a]
                        : def != NULL ? def
                        : g >= 0 ? globals->values[g] : NULL;
        if (vars_set(scope, name, v) < 0 || vars_set(&b->declared, name, NULL) < 0)
            return keel_syserror(err, "ARG");
    }
    return 0;
}

static int do_arg(struct builder *b, struct stage_image *st, const struct df_instr *in,
                  const struct subst *sub, struct change *ch, keel_err *err)
{
    if (arg_declare(b, sub, in, &st->args, &b->globals, err) < 0)
        return -1;
    /* BuildKit's rule: an ARG's value counts only where it is used (the
     * substituted text of an instruction, a RUN's environment) */
    if (fmt(&ch->created_by, "ARG %s", in->rest) < 0)
        return keel_syserror(err, "ARG");
    return 0;
}

static const struct {
    const char *keyword;
    handler_fn *fn;
    bool history; /* docker records it in the history */
} handlers[] = {
    {"env", do_env, true},           {"label", do_label, true},
    {"expose", do_expose, true},     {"user", do_user, true},
    {"stopsignal", do_stopsignal, true}, {"maintainer", do_maintainer, true},
    {"cmd", do_cmd, true},           {"entrypoint", do_entrypoint, true},
    {"shell", do_shell, true},       {"volume", do_volume, true},
    {"onbuild", do_onbuild, true},   {"healthcheck", do_healthcheck, true},
    {"arg", do_arg, true},
};

bool instr_is_config(const char *keyword)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (strcmp(handlers[i].keyword, keyword) == 0)
            return true;
    return false;
}

int instr_config(struct builder *b, struct stage_image *st, const struct df_instr *in,
                 keel_err *err)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
        if (strcmp(handlers[i].keyword, in->keyword) != 0)
            continue;
        static const char *const none[] = {NULL};
        if (strcmp(in->keyword, "healthcheck") != 0 &&
            df_flags_check(in, none, b->dfname, err) < 0)
            return -1;
        struct subst sub = builder_subst(b);
        struct change ch = {0};
        int rc = handlers[i].fn(b, st, in, &sub, &ch, err);
        if (rc == 0) {
            stage_key_add(st, ch.created_by, strlen(ch.created_by));
            rc = stage_history(b, st, ch.created_by, true, err);
        }
        free(ch.created_by);
        return rc;
    }
    return keel_error(err, 0, "%s:%d: unknown instruction: %s", b->dfname, in->line,
                      in->keyword);
}

struct workdir_job {
    const char *path;
};

static int make_workdir(struct builder *b, struct stage_image *st, struct step_fs *fs, void *arg,
                        keel_err *err)
{
    (void)b, (void)st;
    const struct workdir_job *j = arg;
    int fd = root_open_dir(fs->rootfd, j->path, O_PATH, true, err);
    if (fd < 0)
        return keel_error_wrap(err, "WORKDIR %s", j->path);
    close(fd);
    return 0;
}

int instr_workdir(struct builder *b, struct stage_image *st, const struct df_instr *in,
                  keel_err *err)
{
    static const char *const none[] = {NULL};
    if (df_flags_check(in, none, b->dfname, err) < 0)
        return -1;
    struct subst sub = builder_subst(b);
    cleanup_free char *w = NULL, *joined = NULL, *created_by = NULL;
    if (subst_word(&sub, in->rest, &w, err) < 0)
        return line_error(b, in, err);
    const char *cur = st->cfg.config->WorkingDir ? st->cfg.config->WorkingDir : "/";
    if (asprintf(&joined, "%s/%s", w[0] == '/' ? "" : cur, w) < 0)
        return keel_syserror(err, "WORKDIR");
    char clean[PATH_MAX] = "/";
    if (layer_path_clean(joined, clean + 1, sizeof clean - 1) < 0)
        strcpy(clean + 1, ""); /* ".." above / stays at / */
    free(st->cfg.config->WorkingDir);
    if ((st->cfg.config->WorkingDir = strdup(clean)) == NULL ||
        asprintf(&created_by, "WORKDIR %s", clean) < 0)
        return keel_syserror(err, "WORKDIR");
    struct workdir_job j = {.path = clean};
    return layer_step(b, st, created_by, strlen(created_by), created_by, created_by,
                      make_workdir, &j, err);
}
