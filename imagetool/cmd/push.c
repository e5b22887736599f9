/* keel-image push [--creds USER:PASS] [--insecure] [-q] REF [DEST-REF]
 * docker push's output: a row per layer (Preparing, Pushing with a bar on a
 * terminal, Layer already exists, Mounted from, Pushed), then
 * "TAG: digest: sha256:... size: N"; -q prints only the digest. */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "progress.h"
#include "push.h"

#define USAGE "push [--creds USER:PASS] [--insecure] [-q] REF [DEST-REF]"
#define BAR_WIDTH 50

struct row {
    char id[16];
    char state[128];
    int64_t done, total;
    bool pushing;
};

struct view {
    bool tty, quiet;
    struct row *rows;
    size_t nrows;
    bool drawn;
    long long last_draw_ms;
};

/* docker's units.HumanSize: decimal units, four significant digits. */
static const char *human(int64_t n, char *buf, size_t len)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = (double)n;
    size_t u = 0;
    while (v >= 1000 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1000;
        u++;
    }
    snprintf(buf, len, "%.4g%s", v, units[u]);
    return buf;
}

/* docker lists the top layer first. */
static struct row *row_at(struct view *v, size_t index)
{
    return index < v->nrows ? &v->rows[v->nrows - 1 - index] : NULL;
}

static void draw(struct view *v, bool force)
{
    if (!progress_due(&v->last_draw_ms, force))
        return;
    if (v->drawn)
        printf("\033[%zuA", v->nrows);
    for (size_t i = 0; i < v->nrows; i++) {
        struct row *r = &v->rows[i];
        printf("\r\033[K%s: %s", r->id, r->state);
        if (r->pushing) {
            char bar[BAR_WIDTH + 2], a[32], b[32];
            progress_bar(bar, BAR_WIDTH, r->done, r->total);
            printf(" [%s]  %s/%s", bar, human(r->done, a, sizeof a), human(r->total, b, sizeof b));
        }
        printf("\n");
    }
    v->drawn = true;
    fflush(stdout);
}

static void on_start(void *arg, const char *repository, size_t nlayers)
{
    struct view *v = arg;
    v->rows = calloc(nlayers ? nlayers : 1, sizeof *v->rows);
    v->nrows = v->rows != NULL ? nlayers : 0;
    if (!v->quiet)
        printf("The push refers to repository [%s]\n", repository);
}

static void on_layer(void *arg, size_t index, const char *id, int64_t size, enum push_event ev,
                     const char *from)
{
    struct view *v = arg;
    struct row *r = row_at(v, index);
    if (v->quiet || r == NULL)
        return;
    snprintf(r->id, sizeof r->id, "%s", id);
    r->total = size;
    r->pushing = ev == PUSH_PUSHING;
    switch (ev) {
    case PUSH_PREPARING: snprintf(r->state, sizeof r->state, "Preparing"); break;
    case PUSH_EXISTS: snprintf(r->state, sizeof r->state, "Layer already exists"); break;
    case PUSH_MOUNTED: snprintf(r->state, sizeof r->state, "Mounted from %s", from); break;
    case PUSH_PUSHING: snprintf(r->state, sizeof r->state, "Pushing"); break;
    case PUSH_PUSHED: snprintf(r->state, sizeof r->state, "Pushed"); break;
    }
    if (v->tty) {
        /* the rows are drawn once all are known */
        if (ev != PUSH_PREPARING || index + 1 == v->nrows)
            draw(v, true);
    } else if (ev != PUSH_PUSHING) {
        printf("%s: %s\n", r->id, r->state);
        fflush(stdout);
    }
}

static void on_progress(void *arg, size_t index, int64_t done, int64_t total)
{
    struct view *v = arg;
    struct row *r = row_at(v, index);
    if (!v->tty || v->quiet || r == NULL)
        return;
    r->done = done;
    r->total = total;
    draw(v, false);
}

int cmd_push(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    static const struct option opts[] = {
        {"creds", required_argument, NULL, 'c'},
        {"insecure", no_argument, NULL, 'k'},
        {"quiet", no_argument, NULL, 'q'},
        {0},
    };
    struct view v = {.tty = isatty(STDOUT_FILENO) == 1};
    struct push_observer obs = {.arg = &v, .start = on_start, .layer = on_layer,
                                .progress = on_progress};
    struct push_opts o = {.observer = &obs};
    const char *chunk = getenv("KEEL_PUSH_CHUNK_SIZE"); /* for tests of chunked uploads */
    if (chunk != NULL)
        o.chunk = strtoll(chunk, NULL, 10);
    int c;
    while ((c = getopt_long(argc, argv, "+q", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            o.registry.creds = optarg;
            break;
        case 'k':
            o.registry.insecure = true;
            break;
        case 'q':
            v.quiet = true;
            break;
        default:
            return cmd_usage(err, USAGE);
        }
    }
    if (argc - optind != 1 && argc - optind != 2)
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    struct push_result res;
    int ret = image_push(&s, argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL, &o, &res,
                         err);
    store_close(&s);
    free(v.rows);
    if (ret < 0)
        return -1;
    if (v.quiet)
        printf("%s\n", res.digest);
    else
        printf("%s: digest: %s size: %" PRId64 "\n", res.tag ? res.tag : res.digest, res.digest,
               res.size);
    push_result_release(&res);
    return 0;
}
