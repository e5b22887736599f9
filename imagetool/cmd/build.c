/* keel-image build: a Dockerfile and its context to an image in the store
 * (docker build's flags; the image ID on stdout with -q). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/builder.h"
#include "commands.h"
#include "keel/cleanup.h"
#include "keel/fsutil.h"
#include "store.h"

#define USAGE                                                                                \
    "build [-t REF]... [-f FILE|-] [--build-arg K[=V]]... [--target STAGE] [--no-cache] "   \
    "[--pull] [-q] [--network host|none] [--label K=V]... [--progress auto|plain|quiet] "    \
    "[--iidfile FILE] CONTEXT|-"

enum { OPT_BUILD_ARG = 256, OPT_TARGET, OPT_NO_CACHE, OPT_PULL, OPT_NETWORK, OPT_LABEL,
       OPT_PROGRESS, OPT_IIDFILE };

/* The runtime: $KEEL_RUNTIME, else keel beside this program, else on PATH. */
static int find_runtime(char *out, size_t size, keel_err *err)
{
    const char *env = getenv("KEEL_RUNTIME");
    if (env != NULL && env[0] != '\0') {
        snprintf(out, size, "%s", env);
        return 0;
    }
    char self[PATH_MAX - 8];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash != NULL) {
            *slash = '\0';
            snprintf(out, size, "%s/keel", self);
            if (access(out, X_OK) == 0)
                return 0;
        }
    }
    const char *path = getenv("PATH");
    for (const char *p = path != NULL ? path : "/usr/local/bin:/usr/bin:/bin"; *p != '\0';) {
        size_t l = strcspn(p, ":");
        snprintf(out, size, "%.*s/keel", (int)l, p);
        if (access(out, X_OK) == 0)
            return 0;
        p += l + (p[l] == ':');
    }
    return keel_error(err, ENOENT, "the runtime keel is not installed (set KEEL_RUNTIME)");
}

static int parse_epoch(int64_t *out, keel_err *err)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    *out = -1;
    if (e == NULL || e[0] == '\0')
        return 0;
    char *end;
    long long v = strtoll(e, &end, 10);
    if (*end != '\0' || v < 0)
        return keel_error(err, EINVAL, "invalid SOURCE_DATE_EPOCH: %s", e);
    *out = v;
    return 0;
}

struct build_cli {
    struct build_opts o;
    bool quiet;
    const char *progress;
    const char *iidfile; /* docker's --iidfile: the image ID written there */
};

static int parse(int argc, char **argv, struct build_cli *c, keel_err *err)
{
    static const struct option opts[] = {
        {"tag", required_argument, NULL, 't'},
        {"file", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {"build-arg", required_argument, NULL, OPT_BUILD_ARG},
        {"target", required_argument, NULL, OPT_TARGET},
        {"no-cache", no_argument, NULL, OPT_NO_CACHE},
        {"pull", no_argument, NULL, OPT_PULL},
        {"network", required_argument, NULL, OPT_NETWORK},
        {"label", required_argument, NULL, OPT_LABEL},
        {"progress", required_argument, NULL, OPT_PROGRESS},
        {"iidfile", required_argument, NULL, OPT_IIDFILE},
        {0},
    };
    struct build_opts *o = &c->o;
    int ch;
    while ((ch = getopt_long(argc, argv, "+t:f:q", opts, NULL)) != -1) {
        int rc = 0;
        switch (ch) {
        case 't': rc = strv_append(&o->tags, &o->ntags, optarg); break;
        case 'f': o->dockerfile = optarg; break;
        case 'q': c->quiet = true; break;
        case OPT_BUILD_ARG: rc = strv_append(&o->build_args, &o->nbuild_args, optarg); break;
        case OPT_TARGET: o->target = optarg; break;
        case OPT_NO_CACHE: o->no_cache = true; break;
        case OPT_PULL: o->pull = true; break;
        case OPT_NETWORK: o->network = optarg; break;
        case OPT_LABEL: rc = strv_append(&o->labels, &o->nlabels, optarg); break;
        case OPT_PROGRESS: c->progress = optarg; break;
        case OPT_IIDFILE: c->iidfile = optarg; break;
        default: return cmd_usage(err, USAGE);
        }
        if (rc < 0)
            return keel_syserror(err, "build");
    }
    if (argc - optind != 1)
        return cmd_usage(err, USAGE);
    if (o->network != NULL && strcmp(o->network, "host") != 0 &&
        strcmp(o->network, "none") != 0 && strcmp(o->network, "default") != 0)
        return keel_error(err, EINVAL, "--network %s: keel-image build runs steps with host or none",
                          o->network);
    if (o->network != NULL && strcmp(o->network, "default") == 0)
        o->network = NULL;
    if (c->progress != NULL && strcmp(c->progress, "auto") != 0 &&
        strcmp(c->progress, "plain") != 0 && strcmp(c->progress, "quiet") != 0 &&
        strcmp(c->progress, "tty") != 0)
        return keel_error(err, EINVAL, "--progress %s: expected auto, plain, tty or quiet",
                          c->progress);
    return 0;
}

/* CONTEXT, or "-": a Dockerfile or a tar of the context on stdin; -f -
 * reads the Dockerfile from stdin with a context directory. */
static int read_stdin_dockerfile(struct build_cli *c, const char *arg, char **text,
                                 keel_err *err)
{
    bool file_stdin = c->o.dockerfile != NULL && strcmp(c->o.dockerfile, "-") == 0;
    c->o.context = strcmp(arg, "-") == 0 ? NULL : arg;
    if (strcmp(arg, "-") == 0 && !file_stdin) {
        c->o.stdin_fd = 0; /* a Dockerfile or a tar of the context: the builder reads it */
        return 0;
    }
    if (!file_stdin)
        return 0;
    size_t len;
    if (read_fd_all(0, 4096, 4u << 20, text, &len) < 0)
        return keel_syserror(err, "read the Dockerfile from stdin");
    c->o.dockerfile_text = *text;
    c->o.dockerfile = NULL;
    return 0;
}

static int write_iidfile(const char *path, const char *id, keel_err *err)
{
    FILE *f = fopen(path, "we");
    if (f == NULL)
        return keel_syserror(err, "--iidfile %s", path);
    int bad = fputs(id, f) < 0;
    bad |= fclose(f) != 0;
    return bad ? keel_syserror(err, "--iidfile %s", path) : 0;
}

int cmd_build(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    struct build_cli c = {.o = {.epoch = -1, .stdin_fd = -1}};
    cleanup_free char *text = NULL;
    char runtime[PATH_MAX];
    int rc = parse(argc, argv, &c, err);
    if (rc == 0)
        rc = read_stdin_dockerfile(&c, argv[optind], &text, err);
    if (rc == 0)
        rc = find_runtime(runtime, sizeof runtime, err);
    if (rc == 0)
        rc = parse_epoch(&c.o.epoch, err);
    c.o.runtime = runtime;
    bool quiet = c.quiet || (c.progress != NULL && strcmp(c.progress, "quiet") == 0);
    c.o.progress = quiet ? NULL : stderr;
    struct store s;
    if (rc == 0 && (rc = cmd_open_store(ctx, &s, err)) == 0) {
        char id[DIGEST_BUF];
        rc = image_build(&s, &c.o, id, err);
        store_close(&s);
        if (rc == 0 && c.quiet)
            printf("%s\n", id);
        if (rc == 0 && c.iidfile != NULL && write_iidfile(c.iidfile, id, err) < 0)
            rc = -1;
        if (rc == 0 && !quiet) {
            fprintf(stderr, "writing image %s done\n", id);
            for (size_t i = 0; i < c.o.ntags; i++)
                fprintf(stderr, "naming to %s done\n", c.o.tags[i]);
        }
    }
    free(c.o.tags);
    free(c.o.build_args);
    free(c.o.labels);
    return rc;
}
