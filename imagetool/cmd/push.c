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
#include "registry_options.h"

#define USAGE "push [--creds USER:PASS] [--insecure] [-q] REF [DEST-REF]"
#define BAR_WIDTH 50

/* docker lists the top layer first. */
static struct progress_row *row_at(struct progress_view *v, size_t index)
{
    return index < v->nrows ? &v->rows[v->nrows - 1 - index] : NULL;
}

static void print_row(const struct progress_row *r, const char *bar)
{
    printf("%s: %s", r->label, r->state);
    if (r->bar) {
        char a[32], b[32];
        cmd_human_size(r->done, 4, a, sizeof a); /* docker's units.HumanSize */
        cmd_human_size(r->total, 4, b, sizeof b);
        printf(" [%s]  %s/%s", bar, a, b);
    }
    printf("\n");
}

static void on_start(void *arg, const char *repository, size_t nlayers)
{
    struct progress_view *v = arg;
    progress_view_rows(v, nlayers);
    if (!v->quiet)
        printf("The push refers to repository [%s]\n", repository);
}

static void on_layer(void *arg, size_t index, const char *id, int64_t size, enum push_event ev,
                     const char *from)
{
    struct progress_view *v = arg;
    struct progress_row *r = row_at(v, index);
    if (v->quiet || r == NULL)
        return;
    snprintf(r->label, sizeof r->label, "%s", id);
    r->total = size;
    r->bar = ev == PUSH_PUSHING;
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
            progress_view_draw(v, true);
    } else if (ev != PUSH_PUSHING) {
        printf("%s: %s\n", r->label, r->state);
        fflush(stdout);
    }
}

static void on_progress(void *arg, size_t index, int64_t done, int64_t total)
{
    struct progress_view *v = arg;
    progress_view_update(v, row_at(v, index), done, total);
}

int cmd_push(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    static const struct option opts[] = {
        REGISTRY_LONG_OPTIONS,
        {0},
    };
    struct progress_view v;
    progress_view_init(&v, BAR_WIDTH, print_row);
    struct push_observer obs = {.arg = &v, .start = on_start, .layer = on_layer,
                                .progress = on_progress};
    struct push_opts o = {.observer = &obs};
    const char *chunk = getenv("KEEL_PUSH_CHUNK_SIZE"); /* for tests of chunked uploads */
    if (chunk != NULL)
        o.chunk = strtoll(chunk, NULL, 10);
    int c;
    while ((c = getopt_long(argc, argv, "+q", opts, NULL)) != -1)
        if (!registry_option(c, &o.registry, &v.quiet))
            return cmd_usage(err, USAGE);
    if (argc - optind != 1 && argc - optind != 2)
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    struct push_result res;
    int ret = image_push(&s, argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL, &o, &res,
                         err);
    store_close(&s);
    progress_view_release(&v);
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
