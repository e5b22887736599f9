/* The build: the Dockerfile read and planned, each needed stage built from
 * its base, instruction by instruction, the target written as an image. */
#include "builder.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "filesums.h"
#include "image_write.h"
#include "keel/cleanup.h"
#include "keel/fsutil.h"
#include "layer_path.h"
#include "layer_store.h"
#include "platform.h"
#include "pull.h"
#include "step.h"
#include "stored_image.h"
#include "unpack.h"
#include "util.h"

#define DOCKERFILE_MAX (4u << 20)
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *global_lookup(void *ctx, const char *name)
{
    const struct vars *v = ctx;
    int i = vars_find(v, name);
    return i >= 0 ? v->values[i] : NULL;
}

static void format_time(int64_t t, char out[40])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 40, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int stage_init(struct stage_image *st, keel_err *err)
{
    struct oci_image_config *c = &st->cfg;
    if ((c->config == NULL && (c->config = calloc(1, sizeof *c->config)) == NULL) ||
        (c->rootfs == NULL && (c->rootfs = calloc(1, sizeof *c->rootfs)) == NULL))
        return keel_syserror(err, "image config");
    free(c->rootfs->type);
    if ((c->rootfs->type = strdup("layers")) == NULL)
        return keel_syserror(err, "image config");
    if (c->rootfs->diff_ids == NULL &&
        (c->rootfs->diff_ids = calloc(1, sizeof *c->rootfs->diff_ids)) == NULL)
        return keel_syserror(err, "image config");
    /* BuildKit gives every stage a PATH (an image from scratch has none) */
    if (stage_env(st, "PATH") == NULL && stage_env_set(st, "PATH", DEFAULT_PATH) < 0)
        return keel_syserror(err, "image config");
    return 0;
}

static void stage_release(struct stage_image *st)
{
    spec_release(&spec_type_oci_image_config, &st->cfg);
    for (size_t i = 0; i < st->nlayers; i++)
        spec_release(&spec_type_oci_descriptor, &st->layers[i]);
    free(st->layers);
    vars_release(&st->args);
    memset(st, 0, sizeof *st);
}

static int copy_layers(struct stage_image *dst, const struct oci_descriptor *v, size_t n,
                       keel_err *err)
{
    if ((dst->layers = calloc(n + 1, sizeof *dst->layers)) == NULL)
        return keel_syserror(err, "layers");
    for (; dst->nlayers < n; dst->nlayers++)
        if (spec_copy(&spec_type_oci_descriptor, &dst->layers[dst->nlayers], &v[dst->nlayers],
                      err) < 0)
            return -1;
    return 0;
}

/* An image from the store (pulled when missing or with --pull), its layers
 * unpacked, as a stage's starting point. */
static int stage_from_image(struct builder *b, const char *ref, struct stage_image *st,
                            keel_err *err)
{
    struct oci_descriptor d;
    bool have = store_resolve(b->s, ref, &d, err) == 0;
    if (have)
        spec_release(&spec_type_oci_descriptor, &d);
    if (!have || b->o->pull) {
        struct pull_opts po = {0};
        char digest[DIGEST_BUF];
        if (image_pull(b->s, ref, &po, digest, err) < 0)
            return keel_error_wrap(err, "FROM %s", ref);
    }
    struct stored_image img;
    if (stored_image_read(b->s, ref, &img, err) < 0)
        return -1;
    char **paths = NULL;
    int rc = layer_store_ensure(b->s, &img, &paths, err);
    if (rc == 0)
        layer_paths_free(paths, img.manifest.layers_len);
    if (rc == 0)
        rc = spec_copy(&spec_type_oci_image_config, &st->cfg, &img.config, err);
    if (rc == 0)
        rc = copy_layers(st, img.manifest.layers, img.manifest.layers_len, err);
    if (rc == 0) {
        st->key[0] = '\0';
        stage_key_add(st, img.desc.digest, strlen(img.desc.digest));
    }
    stored_image_release(&img);
    return rc < 0 ? -1 : stage_init(st, err);
}

static int stage_from_stage(struct stage_image *st, const struct stage_image *base,
                            keel_err *err)
{
    if (spec_copy(&spec_type_oci_image_config, &st->cfg, &base->cfg, err) < 0 ||
        copy_layers(st, base->layers, base->nlayers, err) < 0)
        return -1;
    memcpy(st->key, base->key, sizeof st->key);
    return stage_init(st, err);
}

static int stage_scratch(struct stage_image *st, keel_err *err)
{
    struct platform host;
    platform_host(&host);
    if (stage_init(st, err) < 0)
        return -1;
    st->cfg.os = strdup(host.os);
    st->cfg.architecture = strdup(host.arch);
    if (st->cfg.os == NULL || st->cfg.architecture == NULL)
        return keel_syserror(err, "image config");
    st->key[0] = '\0';
    stage_key_add(st, "scratch", 7);
    return 0;
}

int builder_source_fs(struct builder *b, const char *from, struct step_fs *fs, keel_err *err)
{
    int i = build_plan_find(&b->plan, from, b->cur);
    if (i >= 0 && b->stages[i].built)
        return step_fs_mount(b, &b->stages[i], fs, err);
    struct stage_image img = {0};
    int rc = stage_from_image(b, from, &img, err);
    if (rc == 0)
        rc = step_fs_mount(b, &img, fs, err);
    stage_release(&img);
    return rc;
}

static int run_instr(struct builder *b, struct stage_image *st, const struct df_instr *in,
                     keel_err *err)
{
    const char *k = in->keyword;
    if (strcmp(k, "run") == 0)
        return instr_run(b, st, in, err);
    if (strcmp(k, "copy") == 0 || strcmp(k, "add") == 0)
        return instr_copy(b, st, in, err);
    if (strcmp(k, "workdir") == 0)
        return instr_workdir(b, st, in, err);
    return instr_config(b, st, in, err);
}

/* The base image's ONBUILD triggers run first, then are dropped. */
static int run_triggers(struct builder *b, struct stage_image *st, keel_err *err)
{
    struct oci_image_exec_config *c = st->cfg.config;
    char **triggers = c->OnBuild;
    size_t n = c->OnBuild_len;
    c->OnBuild = NULL;
    c->OnBuild_len = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct dockerfile t;
        rc = dockerfile_parse(triggers[i], strlen(triggers[i]), "ONBUILD", &t, err);
        for (size_t k = 0; rc == 0 && k < t.n; k++)
            rc = run_instr(b, st, &t.v[k], err);
        if (t.v != NULL)
            dockerfile_release(&t);
    }
    for (size_t i = 0; i < n; i++)
        free(triggers[i]);
    free(triggers);
    return rc;
}

/* FROM --platform: only the host's platform is built (no emulation here). */
static int check_platform(struct builder *b, const struct build_stage *bs, keel_err *err)
{
    if (bs->platform == NULL)
        return 0;
    struct platform want, host;
    platform_host(&host);
    if (platform_parse(bs->platform, &want, err) < 0)
        return keel_error_wrap(err, "%s:%d", b->dfname, b->df.v[bs->from].line);
    if (strcmp(want.os, host.os) != 0 || strcmp(want.arch, host.arch) != 0 ||
        (want.variant[0] != '\0' && host.variant[0] != '\0' &&
         strcmp(want.variant, host.variant) != 0))
        return keel_error(err, ENOTSUP, "%s:%d: FROM --platform=%s: only this host's platform (%s/%s) can be built",
                          b->dfname, b->df.v[bs->from].line, bs->platform, host.os, host.arch);
    return 0;
}

static int build_stage(struct builder *b, size_t i, keel_err *err)
{
    const struct build_stage *bs = &b->plan.v[i];
    struct stage_image *st = &b->stages[i];
    b->cur = i;
    b->pos = 1;
    b->count = bs->end - bs->from;
    cleanup_free char *header = NULL;
    if (asprintf(&header, "FROM %s", bs->base) < 0)
        return keel_syserror(err, "FROM");
    progress_step(b, header);
    int rc = check_platform(b, bs, err);
    if (rc < 0)
        return -1;
    if (bs->base_stage >= 0)
        rc = stage_from_stage(st, &b->stages[bs->base_stage], err);
    else if (strcmp(bs->base, "scratch") == 0)
        rc = stage_scratch(st, err);
    else
        rc = stage_from_image(b, bs->base, st, err);
    if (rc < 0)
        return keel_error_wrap(err, "%s:%d", b->dfname, b->df.v[bs->from].line);
    progress_done(b, false, 0);
    if (run_triggers(b, st, err) < 0)
        return -1;
    for (size_t k = bs->from + 1; k < bs->end; k++) {
        b->pos++;
        if (build_interrupted)
            return keel_error(err, EINTR, "build interrupted");
        if (run_instr(b, st, &b->df.v[k], err) < 0)
            return -1;
    }
    st->built = true;
    return 0;
}

/* ARGs before the first FROM, plus BuildKit's platform args. */
static int global_args(struct builder *b, keel_err *err)
{
    struct platform host;
    platform_host(&host);
    char plat[128];
    snprintf(plat, sizeof plat, "%s/%s", host.os, host.arch);
    const char *pre[][2] = {
        {"TARGETPLATFORM", plat}, {"TARGETOS", host.os}, {"TARGETARCH", host.arch},
        {"BUILDPLATFORM", plat}, {"BUILDOS", host.os}, {"BUILDARCH", host.arch},
    };
    for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
        if (vars_set(&b->globals, pre[i][0], pre[i][1]) < 0)
            return keel_syserror(err, "ARG");
    struct subst sub = {.escape = b->df.escape, .lookup = global_lookup, .ctx = &b->globals};
    for (size_t k = 0; k < b->df.n && strcmp(b->df.v[k].keyword, "arg") == 0; k++)
        if (arg_declare(b, &sub, &b->df.v[k], &b->globals, NULL, err) < 0)
            return -1;
    return 0;
}

static int resolve_build_args(struct builder *b, keel_err *err)
{
    for (size_t i = 0; i < b->o->nbuild_args; i++) {
        const char *a = b->o->build_args[i];
        const char *eq = strchr(a, '=');
        cleanup_free char *name = eq != NULL ? strndup(a, (size_t)(eq - a)) : strdup(a);
        if (name == NULL)
            return keel_syserror(err, "--build-arg");
        const char *value = eq != NULL ? eq + 1 : getenv(name);
        if (value != NULL && vars_set(&b->build_args, name, value) < 0)
            return keel_syserror(err, "--build-arg");
    }
    return 0;
}

static int read_dockerfile(struct builder *b, char **text, size_t *len, keel_err *err)
{
    const struct build_opts *o = b->o;
    if (o->dockerfile_text != NULL) {
        *len = strlen(o->dockerfile_text);
        *text = strdup(o->dockerfile_text);
        return *text != NULL ? 0 : keel_syserror(err, "Dockerfile");
    }
    cleanup_free char *path = NULL;
    if (b->dockerfile == NULL && asprintf(&path, "%s/Dockerfile", b->context) < 0)
        return keel_syserror(err, "Dockerfile");
    const char *p = b->dockerfile != NULL ? b->dockerfile : path;
    if (read_file(p, DOCKERFILE_MAX, text, len, err) < 0)
        return keel_error_wrap(err, "failed to read dockerfile");
    return 0;
}

/* Copies fd to a temp file in the store: stdin may be a pipe, read once. */
static int spool(struct builder *b, int fd, char **path, keel_err *err)
{
    if (asprintf(path, "%s/tmp/build-stdin-XXXXXX", b->s->root) < 0)
        return keel_syserror(err, "read stdin");
    cleanup_close int out = mkostemp(*path, O_CLOEXEC);
    if (out < 0)
        return keel_syserror(err, "create %s", *path);
    int rc = fd_each_chunk(fd, chunk_to_fd, &out);
    if (rc < 0)
        return keel_syserror(err, "copy stdin to %s", *path);
    return 0;
}

static bool is_archive_file(const char *path)
{
    unsigned char h[512];
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, h, sizeof h) : -1;
    return n > 0 && archive_magic(h, (size_t)n);
}

static int extract_context(struct builder *b, const char *file, keel_err *err)
{
    if ((b->stdin_dir = store_mkdtemp(b->s, "build-context", err)) == NULL)
        return -1;
    b->context = b->stdin_dir;
    if (b->o->dockerfile != NULL) {
        if (asprintf(&b->owned_dockerfile, "%s/%s", b->stdin_dir, b->o->dockerfile) < 0)
            return keel_syserror(err, "build context from stdin");
        b->dockerfile = b->owned_dockerfile;
    }
    cleanup_close int dirfd = open(b->stdin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return keel_syserror(err, "open %s", b->stdin_dir);
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return keel_syserror(err, "open %s", file);
    /* layer_apply takes fd */
    return layer_apply(dirfd, fd, "the build context on stdin", LAYER_FLAT, NULL, NULL, err);
}

/* CONTEXT "-": a Dockerfile (read as the Dockerfile, no context) or a tar
 * of the context, extracted (with unpack's path rules) into $root/tmp. */
static int stdin_context(struct builder *b, char **text, keel_err *err)
{
    cleanup_free char *file = NULL;
    int rc = spool(b, b->o->stdin_fd, &file, err);
    if (rc == 0 && !is_archive_file(file)) {
        size_t len;
        rc = read_file(file, DOCKERFILE_MAX, text, &len, err);
    } else if (rc == 0) {
        rc = extract_context(b, file, err);
    }
    if (file != NULL)
        unlink(file);
    return rc;
}

static int add_labels(struct builder *b, struct stage_image *st, keel_err *err)
{
    struct oci_image_exec_config *c = st->cfg.config;
    for (size_t i = 0; i < b->o->nlabels; i++) {
        const char *kv = b->o->labels[i];
        const char *eq = strchr(kv, '=');
        cleanup_free char *k = eq != NULL ? strndup(kv, (size_t)(eq - kv)) : strdup(kv);
        if (k == NULL || spec_map_set(&c->Labels_keys, &c->Labels, &c->Labels_len, k,
                                      eq != NULL ? eq + 1 : "") < 0)
            return keel_syserror(err, "--label");
    }
    return 0;
}

/* docker's warning for --build-arg values no ARG declared (the proxy args
 * are predefined). */
static void warn_unconsumed(struct builder *b)
{
    if (b->o->progress == NULL)
        return;
    bool any = false;
    for (size_t i = 0; i < b->build_args.n; i++) {
        const char *n = b->build_args.names[i];
        bool known = vars_find(&b->declared, n) >= 0;
        for (const char *const *p = build_proxy_args; *p != NULL && !known; p++)
            known = strcmp(*p, n) == 0;
        if (known)
            continue;
        fprintf(b->o->progress, "%s%s", any ? " " : "[Warning] One or more build-args [", n);
        any = true;
    }
    if (any)
        fprintf(b->o->progress, "] were not consumed\n");
}

static int build_all(struct builder *b, char id_out[DIGEST_BUF], keel_err *err)
{
    cleanup_free char *text = NULL;
    size_t len = 0;
    if (b->o->stdin_fd >= 0 && stdin_context(b, &text, err) < 0)
        return -1;
    if (text != NULL)
        len = strlen(text);
    else if (read_dockerfile(b, &text, &len, err) < 0)
        return -1;
    if (dockerfile_parse(text, len, b->dfname, &b->df, err) < 0 ||
        resolve_build_args(b, err) < 0 || global_args(b, err) < 0)
        return -1;
    struct subst gsub = {.escape = b->df.escape, .lookup = global_lookup, .ctx = &b->globals};
    if (build_plan_make(&b->df, b->dfname, &gsub, b->o->target, &b->plan, err) < 0 ||
        context_open(&b->ctx, b->context, b->dockerfile, err) < 0)
        return -1;
    if ((b->sums = filesums_load(b->s)) == NULL)
        return keel_syserror(err, "build");
    if ((b->stages = calloc(b->plan.n, sizeof *b->stages)) == NULL)
        return keel_syserror(err, "build");
    for (size_t i = 0; i <= b->plan.target; i++)
        if (b->plan.v[i].needed && build_stage(b, i, err) < 0)
            return -1;
    struct stage_image *t = &b->stages[b->plan.target];
    free(t->cfg.created);
    if ((t->cfg.created = strdup(b->created)) == NULL)
        return keel_syserror(err, "build");
    if (add_labels(b, t, err) < 0)
        return -1;
    warn_unconsumed(b);
    return image_write(b->s, &t->cfg, t->layers, t->nlayers, b->o->tags, b->o->ntags, id_out,
                       NULL, err);
}

volatile sig_atomic_t build_interrupted;

static void on_signal(int sig)
{
    build_interrupted = sig;
}

int image_build(struct store *s, const struct build_opts *o, char id_out[DIGEST_BUF],
                keel_err *err)
{
    struct builder b = {.s = s, .o = o, .context = o->context, .dockerfile = o->dockerfile};
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    build_interrupted = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    /* a background job's ignored SIGINT stays ignored, as in a shell */
    if (old_int.sa_handler == SIG_IGN)
        sigaction(SIGINT, &old_int, NULL);
    cleanup_free char *dfcopy = strdup(o->dockerfile != NULL ? o->dockerfile : "Dockerfile");
    if (dfcopy == NULL)
        return keel_syserror(err, "build");
    b.dfname = basename(dfcopy);
    format_time(o->epoch >= 0 ? o->epoch : (int64_t)time(NULL), b.created);
    int rc = build_all(&b, id_out, err);
    for (size_t i = 0; b.stages != NULL && i < b.plan.n; i++)
        stage_release(&b.stages[i]);
    free(b.stages);
    build_plan_release(&b.plan);
    dockerfile_release(&b.df);
    vars_release(&b.globals);
    vars_release(&b.build_args);
    vars_release(&b.declared);
    context_close(&b.ctx);
    if (b.sums != NULL) {
        keel_err ignored; /* a memo that is not saved only costs re-reading next time */
        filesums_save(s, b.sums, &ignored);
        filesums_free(b.sums);
    }
    if (b.stdin_dir != NULL) {
        keel_err ignored;
        remove_tree_at(AT_FDCWD, b.stdin_dir, &ignored);
    }
    free(b.stdin_dir);
    free(b.owned_dockerfile);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}
