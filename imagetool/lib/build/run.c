/* RUN: the command on Keel's runtime in a bundle of the stage's rootfs, with
 * the image's env, user, workdir and shell plus the ARGs in scope, its
 * output streamed under the step header. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bundle_options.h"
#include "imageconfig_to_spec.h"
#include "keel/cleanup.h"
#include "keel/fsutil.h"
#include "layer_path.h"
#include "cache.h"
#include "step.h"
#include "stubs.h"
#include "util.h"

const char *const build_proxy_args[] = {
    "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
    "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", NULL,
};

struct run_cmd {
    char **args;
    size_t nargs;
    char **env; /* ARG values as K=V */
    size_t nenv;
    char *display; /* args joined by spaces, for messages */
    const char *network; /* "host" or "none" */
    const struct df_heredoc *script; /* RUN <<EOF with a #! line: run as a file */
    char **mounts; /* SRC:DST[:ro] binds for RUN --mount */
    size_t nmounts;
    struct step_fs from[4]; /* rootfs of --mount from= stages or images */
    size_t nfrom;
    int locks[8]; /* cache mounts held with sharing=locked (flock on the directory) */
    size_t nlocks;
};

static void run_cmd_release(struct run_cmd *c)
{
    for (size_t i = 0; i < c->nargs; i++)
        free(c->args[i]);
    free(c->args);
    for (size_t i = 0; i < c->nenv; i++)
        free(c->env[i]);
    free(c->env);
    free(c->display);
    for (size_t i = 0; i < c->nmounts; i++)
        free(c->mounts[i]);
    free(c->mounts);
    for (size_t i = 0; i < c->nfrom; i++)
        step_fs_release(&c->from[i]);
    for (size_t i = 0; i < c->nlocks; i++)
        close(c->locks[i]);
}

/* rest is only `<<[-]["']NAME["']`. */
static bool lone_heredoc(const char *r, const char *name)
{
    if (strncmp(r, "<<", 2) != 0)
        return false;
    r += 2 + (r[2] == '-');
    char q = *r == '"' || *r == '\'' ? *r++ : 0;
    size_t l = strlen(name);
    if (strncmp(r, name, l) != 0)
        return false;
    r += l;
    if (q != 0 && *r++ != q)
        return false;
    return *r == '\0';
}

/* The shell form's script, heredocs included (a lone heredoc is the script). */
static char *script_of(const struct df_instr *in)
{
    if (in->heredocs_len == 1 && lone_heredoc(in->rest, in->heredocs[0].name))
        return strdup(in->heredocs[0].content);
    char *s = strdup(in->rest);
    for (size_t i = 0; s != NULL && i < in->heredocs_len; i++) {
        char *n;
        if (asprintf(&n, "%s\n%s%s", s, in->heredocs[i].content, in->heredocs[i].name) < 0)
            n = NULL;
        free(s);
        s = n;
    }
    return s;
}

static int env_add(struct run_cmd *c, const char *name, const char *value, keel_err *err)
{
    char *kv;
    if (asprintf(&kv, "%s=%s", name, value) < 0)
        return keel_syserror(err, "RUN");
    int rc = spec_strs_append(&c->env, &c->nenv, kv);
    free(kv);
    return rc < 0 ? keel_syserror(err, "RUN") : 0;
}

static int build_cmd(struct stage_image *st, const struct df_instr *in,
                     struct run_cmd *c, keel_err *err)
{
    const struct oci_image_exec_config *ec = st->cfg.config;
    if (in->json) {
        for (size_t i = 0; i < in->args_len; i++)
            if (spec_strs_append(&c->args, &c->nargs, in->args[i]) < 0)
                return keel_syserror(err, "RUN");
    } else if (in->heredocs_len == 1 && lone_heredoc(in->rest, in->heredocs[0].name) &&
               strncmp(in->heredocs[0].content, "#!", 2) == 0) {
        /* BuildKit runs such a heredoc as an executable at /dev/pipes/NAME */
        char *path;
        c->script = &in->heredocs[0];
        if (asprintf(&path, "/dev/pipes/%s", c->script->name) < 0)
            return keel_syserror(err, "RUN");
        int rc = spec_strs_append(&c->args, &c->nargs, path);
        free(path);
        if (rc < 0)
            return keel_syserror(err, "RUN");
    } else {
        static char *const sh[] = {"/bin/sh", "-c"};
        char *const *shell = ec->Shell_len > 0 ? ec->Shell : sh;
        size_t n = ec->Shell_len > 0 ? ec->Shell_len : 2;
        cleanup_free char *script = script_of(in);
        if (script == NULL)
            return keel_syserror(err, "RUN");
        for (size_t i = 0; i < n; i++)
            if (spec_strs_append(&c->args, &c->nargs, shell[i]) < 0)
                return keel_syserror(err, "RUN");
        if (spec_strs_append(&c->args, &c->nargs, script) < 0)
            return keel_syserror(err, "RUN");
    }
    size_t len = 1;
    for (size_t i = 0; i < c->nargs; i++)
        len += strlen(c->args[i]) + 1;
    if ((c->display = calloc(1, len)) == NULL)
        return keel_syserror(err, "RUN");
    for (size_t i = 0; i < c->nargs; i++)
        strcat(strcat(c->display, i > 0 ? " " : ""), c->args[i]);
    /* ARGs in scope, unless an ENV of the same name wins */
    for (size_t i = 0; i < st->args.n; i++)
        if (st->args.values[i] != NULL && stage_env(st, st->args.names[i]) == NULL &&
            env_add(c, st->args.names[i], st->args.values[i], err) < 0)
            return -1;
    return 0;
}

/* The proxy args given with --build-arg, added to env after the key. */
static int add_proxy_env(struct builder *b, struct stage_image *st, struct run_cmd *c,
                         keel_err *err)
{
    for (const char *const *p = build_proxy_args; *p != NULL; p++) {
        int i = vars_find(&b->build_args, *p);
        if (i >= 0 && b->build_args.values[i] != NULL && vars_find(&st->args, *p) < 0 &&
            stage_env(st, *p) == NULL && env_add(c, *p, b->build_args.values[i], err) < 0)
            return -1;
    }
    return 0;
}

/* Writes the bundle's config.json and records the mount points it will make. */
static int write_bundle_config(struct builder *b, struct stage_image *st, struct step_fs *fs,
                               const struct run_cmd *c, struct mount_stubs *stubs,
                               keel_err *err)
{
    struct bundle_options o = {
        .entrypoint_set = true,
        .entrypoint = "",
        .cmd_set = true,
        .cmd = c->args,
        .cmd_len = c->nargs,
        .env = c->env,
        .env_len = c->nenv,
        .netns = c->network,
        .hostname = "buildkitsandbox",
        .mounts = c->mounts,
        .mounts_len = c->nmounts,
    };
    struct oci_config cfg;
    if (imageconfig_to_spec(&st->cfg, &o, fs->rootfd, &cfg, err) < 0)
        return keel_error_wrap(err, "runtime config");
    cleanup_free char *path = NULL;
    int rc = asprintf(&path, "%s/config.json", fs->dir) < 0 ? keel_syserror(err, "RUN") : 0;
    for (size_t i = 0; rc == 0 && i < cfg.mounts_len; i++)
        if (cfg.mounts[i].destination != NULL)
            rc = stubs_record(stubs, fs->rootfd, &cfg.mounts[i].destination, 1, err);
    if (rc == 0)
        rc = write_spec_file(b->s, path, &spec_type_oci_config, &cfg, false, err);
    spec_release(&spec_type_oci_config, &cfg);
    return rc;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Copies the container's output to the progress stream a line at a time,
 * each line prefixed with the step and the seconds since it started. */
/* keel delete -f: the container goes (its init may ignore SIGTERM as pid 1). */
static void kill_container(struct builder *b, const char *state, const char *id)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execl(b->o->runtime, b->o->runtime, "--root", state, "delete", "-f", id, (char *)NULL);
        _exit(127);
    }
    int status;
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
}

static void stream_output(struct builder *b, int fd, const char *state, const char *id)
{
    bool killed = false;
    char buf[8192];
    size_t have = 0;
    double t0 = mono();
    for (;;) {
        ssize_t n = read(fd, buf + have, sizeof buf - have - 1);
        if (build_interrupted && !killed) {
            kill_container(b, state, id);
            killed = true;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        have += (size_t)n;
        char *start = buf, *nl;
        while ((nl = memchr(start, '\n', have - (size_t)(start - buf))) != NULL) {
            *nl = '\0';
            progress_line(b, "%.3f %s\n", mono() - t0, start);
            start = nl + 1;
        }
        have -= (size_t)(start - buf);
        memmove(buf, start, have);
        if (have == sizeof buf - 1) {
            buf[have] = '\0';
            progress_line(b, "%.3f %s\n", mono() - t0, buf);
            have = 0;
        }
    }
    if (have > 0) {
        buf[have] = '\0';
        progress_line(b, "%.3f %s\n", mono() - t0, buf);
    }
}

/* keel --root DIR/state run --bundle DIR ID, output into a pipe. */
static int run_container(struct builder *b, struct step_fs *fs, const struct run_cmd *c,
                         keel_err *err)
{
    cleanup_free char *state = NULL, *id = NULL;
    if (asprintf(&state, "%s/state", fs->dir) < 0 || asprintf(&id, "keel-build-%d-%d",
                                                               (int)getpid(), b->step) < 0)
        return keel_syserror(err, "RUN");
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return keel_syserror(err, "RUN: pipe");
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        if (null < 0 || dup2(null, 0) < 0 || dup2(pipefd[1], 1) < 0 || dup2(pipefd[1], 2) < 0)
            _exit(127);
        if (b->o->progress == NULL) { /* -q: the output goes nowhere */
            int devnull = open("/dev/null", O_WRONLY);
            if (devnull < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0)
                _exit(127);
        }
        execl(b->o->runtime, b->o->runtime, "--root", state, "run", "--bundle", fs->dir, id,
              (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    if (pid < 0) {
        close(pipefd[0]);
        return keel_syserror(err, "RUN: fork");
    }
    stream_output(b, pipefd[0], state, id);
    close(pipefd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (build_interrupted) {
        kill_container(b, state, id); /* one that started after the signal */
        return keel_error(err, EINTR, "The command '%s' was interrupted", c->display);
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code != 0)
        return keel_error(err, 0, "The command '%s' returned a non-zero code: %d", c->display,
                          code);
    return 0;
}

static int add_mount(struct run_cmd *c, const char *src, const char *dst, bool ro, keel_err *err);

/* The #! heredoc as a file in the step directory, bind-mounted where args[0] says. */
static int add_script(struct step_fs *fs, struct run_cmd *c, keel_err *err)
{
    cleanup_free char *path = NULL;
    if (asprintf(&path, "%s/script", fs->dir) < 0)
        return keel_syserror(err, "RUN");
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    const char *text = c->script->content;
    if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
        return keel_syserror(err, "RUN: write %s", path);
    return add_mount(c, path, c->args[0], true, err);
}

static int run_in(struct builder *b, struct stage_image *st, struct step_fs *fs, void *arg,
                  keel_err *err)
{
    struct run_cmd *c = arg;
    const char *wd = st->cfg.config->WorkingDir;
    if (wd != NULL && wd[0] != '\0') {
        int fd = root_open_dir(fs->rootfd, wd, O_RDONLY, true, err);
        if (fd < 0)
            return keel_error_wrap(err, "WORKDIR %s", wd);
        close(fd);
    }
    if (c->script != NULL && add_script(fs, c, err) < 0)
        return -1;
    struct mount_stubs stubs = {0};
    int rc = write_bundle_config(b, st, fs, c, &stubs, err);
    if (rc == 0)
        rc = run_container(b, fs, c, err);
    stubs_remove(&stubs, fs->rootfd);
    stubs_release(&stubs);
    return rc;
}

/* The value of key in a --mount spec ("type=cache,target=/x,id=y"), or NULL. */
static char *mount_field(const char *spec, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = spec; *p != '\0';) {
        size_t l = strcspn(p, ",");
        if (strncmp(p, key, kl) == 0 && p[kl] == '=')
            return strndup(p + kl + 1, l - kl - 1);
        if (l == kl && strncmp(p, key, kl) == 0)
            return strdup("");
        p += l + (p[l] == ',');
    }
    return NULL;
}

/* A cache mount's directory: $root/buildmounts/<hex of its id>, kept
 * between builds until builder prune. */
static int cache_dir(struct builder *b, const char *id, char **out, keel_err *err)
{
    char d[DIGEST_BUF];
    digest_buffer(id, strlen(id), d);
    cleanup_free char *base = NULL;
    if (asprintf(&base, "%s" BUILD_MOUNTS_DIR, b->s->root) < 0 ||
        asprintf(out, "%s/%s", base, digest_hex(d)) < 0)
        return keel_syserror(err, "RUN --mount");
    if ((mkdir(base, 0700) < 0 && errno != EEXIST) || (mkdir(*out, 0755) < 0 && errno != EEXIST))
        return keel_syserror(err, "RUN --mount: create %s", *out);
    return 0;
}

/* sharing=locked: one RUN at a time uses the directory (flock, held until the
 * step ends); private is served the same way, never two writers at once. */
static int lock_cache(struct run_cmd *c, const char *dir, const char *sharing, keel_err *err)
{
    if (strcmp(sharing, "locked") != 0 && strcmp(sharing, "private") != 0)
        return keel_error(err, EINVAL, "--mount sharing=%s: expected shared, private or locked",
                          sharing);
    if (c->nlocks == sizeof c->locks / sizeof c->locks[0])
        return keel_error(err, E2BIG, "RUN: too many locked cache mounts");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return keel_syserror(err, "open %s", dir);
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR || build_interrupted) {
            close(fd);
            return keel_syserror(err, "lock %s", dir);
        }
    }
    c->locks[c->nlocks++] = fd;
    return 0;
}

static int add_mount(struct run_cmd *c, const char *src, const char *dst, bool ro, keel_err *err)
{
    char *m;
    if (asprintf(&m, "%s:%s:%s", src, dst, ro ? "ro" : "rw") < 0)
        return keel_syserror(err, "RUN --mount");
    int rc = spec_strs_append(&c->mounts, &c->nmounts, m);
    free(m);
    return rc < 0 ? keel_syserror(err, "RUN --mount") : 0;
}

/* --mount=type=cache,target=DIR[,id=ID][,sharing=...] and
 * --mount=type=bind,target=DIR[,from=STAGE|IMAGE][,source=PATH][,rw]; what a
 * bind reads goes into the key. */
static int one_mount(struct builder *b, const char *spec, struct run_cmd *c, FILE *key,
                     keel_err *err)
{
    cleanup_free char *type = mount_field(spec, "type");
    cleanup_free char *target = mount_field(spec, "target");
    if (target == NULL)
        target = mount_field(spec, "dst");
    if (target == NULL || target[0] != '/')
        return keel_error(err, EINVAL, "--mount=%s: target must be an absolute path", spec);
    if (type != NULL && strcmp(type, "cache") == 0) {
        cleanup_free char *id = mount_field(spec, "id");
        cleanup_free char *sharing = mount_field(spec, "sharing");
        cleanup_free char *dir = NULL;
        if (cache_dir(b, id != NULL && id[0] != '\0' ? id : target, &dir, err) < 0)
            return -1;
        if (sharing != NULL && strcmp(sharing, "shared") != 0 &&
            lock_cache(c, dir, sharing, err) < 0)
            return -1;
        return add_mount(c, dir, target, false, err);
    }
    if (type != NULL && strcmp(type, "bind") != 0)
        return keel_error(err, ENOTSUP, "--mount=%s: type %s is not supported", spec, type);
    cleanup_free char *from = mount_field(spec, "from");
    cleanup_free char *source = mount_field(spec, "source");
    cleanup_free char *rw = mount_field(spec, "rw");
    char clean[PATH_MAX];
    if (layer_path_clean(source != NULL ? source : "", clean, sizeof clean) < 0)
        return keel_error(err, EINVAL, "--mount=%s: source outside the root", spec);
    if (from == NULL)
        return keel_error(err, ENOTSUP, "--mount=%s: a bind of the context is not supported; use from=", spec);
    if (c->nfrom == sizeof c->from / sizeof c->from[0])
        return keel_error(err, E2BIG, "RUN: too many --mount from=");
    struct step_fs *fs = &c->from[c->nfrom];
    if (builder_source_fs(b, from, fs, err) < 0)
        return -1;
    c->nfrom++;
    struct digester *d = digester_new(err);
    if (d == NULL)
        return -1;
    struct copy_source src = {.rootfd = fs->rootfd};
    char *one[] = {clean, NULL};
    int rc = source_checksum(&src, one, 1, d, err);
    char sum[DIGEST_BUF];
    digester_final(d, sum);
    digester_free(d);
    if (rc < 0)
        return -1;
    fprintf(key, "%cmount %s %s", 0, spec, sum);
    cleanup_free char *path = NULL;
    if (asprintf(&path, "%s/%s", fs->rootfs, clean) < 0)
        return keel_syserror(err, "RUN --mount");
    return add_mount(c, path, target, rw == NULL, err);
}

static int mounts_of(struct builder *b, const struct df_instr *in, struct run_cmd *c, FILE *key,
                     keel_err *err)
{
    for (size_t i = 0; i < in->flags_len; i++)
        if (strncmp(in->flags[i], "mount=", 6) == 0 &&
            one_mount(b, in->flags[i] + 6, c, key, err) < 0)
            return keel_error_wrap(err, "%s:%d", b->dfname, in->line);
    return 0;
}

int instr_run(struct builder *b, struct stage_image *st, const struct df_instr *in, keel_err *err)
{
    static const char *const allowed[] = {"network", "security", "mount", NULL};
    if (df_flags_check(in, allowed, b->dfname, err) < 0)
        return -1;
    struct run_cmd c = {.network = b->o->network != NULL ? b->o->network : "host"};
    const char *net = df_flag(in, "network"), *sec = df_flag(in, "security");
    if (net != NULL && strcmp(net, "default") != 0) {
        if (strcmp(net, "host") != 0 && strcmp(net, "none") != 0)
            return keel_error(err, EINVAL, "%s:%d: RUN --network=%s: expected default, host or none",
                              b->dfname, in->line, net);
        c.network = net;
    }
    if (sec != NULL && strcmp(sec, "sandbox") != 0)
        return keel_error(err, ENOTSUP, "%s:%d: RUN --security=%s is not supported (sandbox only)",
                          b->dfname, in->line, sec);
    int rc = build_cmd(st, in, &c, err);
    /* name resolution as the host's, as BuildKit gives a RUN with a network */
    for (size_t i = 0; rc == 0 && strcmp(c.network, "none") != 0 && i < 2; i++) {
        const char *f = i == 0 ? "/etc/resolv.conf" : "/etc/hosts";
        if (access(f, R_OK) == 0)
            rc = add_mount(&c, f, f, true, err);
    }
    cleanup_free char *key = NULL, *created_by = NULL, *header = NULL;
    size_t klen = 0;
    if (rc == 0) {
        FILE *f = open_memstream(&key, &klen);
        if (f == NULL) {
            rc = keel_syserror(err, "RUN");
        } else {
            fprintf(f, "RUN%cnetwork %s", 0, c.network);
            for (size_t i = 0; i < c.nargs; i++)
                fprintf(f, "%c%s", 0, c.args[i]);
            for (size_t i = 0; i < c.nenv; i++)
                fprintf(f, "%cenv %s", 0, c.env[i]);
            rc = mounts_of(b, in, &c, f, err);
            fclose(f);
        }
    }
    if (rc == 0 && (asprintf(&created_by, "RUN %s # buildkit", c.display) < 0 ||
                    asprintf(&header, "RUN %s", in->original + 4) < 0))
        rc = keel_syserror(err, "RUN");
    if (rc == 0)
        rc = add_proxy_env(b, st, &c, err);
    if (rc == 0)
        rc = layer_step(b, st, key, klen, header, created_by, run_in, &c, err);
    run_cmd_release(&c);
    return rc;
}
