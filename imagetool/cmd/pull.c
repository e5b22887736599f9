/* keel-image pull [--platform OS/ARCH[/VARIANT]] [--creds USER:PASS] [--insecure] [-q] REF
 * On a terminal a progress bar per blob; otherwise a line per event; -q only the digest. */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "progress.h"
#include "pull.h"
#include "registry_options.h"

#define USAGE "pull [--platform OS/ARCH[/VARIANT]] [--creds USER:PASS] [--insecure] [-q] REF"
#define BAR_WIDTH 30

static const char *human(int64_t n, char *buf, size_t len)
{
    if (n < 1024)
        snprintf(buf, len, "%" PRId64 "B", n);
    else if (n < (1 << 20))
        snprintf(buf, len, "%.1fKiB", (double)n / 1024);
    else if (n < (1LL << 30))
        snprintf(buf, len, "%.1fMiB", (double)n / (1 << 20));
    else
        snprintf(buf, len, "%.2fGiB", (double)n / (1LL << 30));
    return buf;
}

static void print_row(const struct progress_row *r, const char *bar)
{
    char a[32], b[32];
    printf("%-20s [%s] %9s/%-9s %s\n", r->label, bar, human(r->done, a, sizeof a),
           human(r->total, b, sizeof b), r->state);
}

static void on_resolved(void *arg, const char *ref, const char *digest, size_t nlayers)
{
    struct progress_view *v = arg;
    progress_view_rows(v, nlayers + 1);
    if (!v->quiet)
        printf("Pulling %s (%s, %zu layers)\n", ref, digest, nlayers);
}

static void on_blob(void *arg, size_t index, const char *kind, const char *digest, int64_t size,
                    enum pull_event ev)
{
    struct progress_view *v = arg;
    static const char *const states[] = {"already present", "downloading", "done"};
    if (v->quiet)
        return;
    if (!v->tty) {
        char h[32];
        printf("%s %s: %s (%s)\n", kind, digest, states[ev], human(size, h, sizeof h));
        fflush(stdout);
        return;
    }
    if (index >= v->nrows)
        return;
    struct progress_row *r = &v->rows[index];
    snprintf(r->label, sizeof r->label, "%s %.12s", kind, digest + 7);
    snprintf(r->state, sizeof r->state, "%s", states[ev]);
    r->total = size;
    if (ev != PULL_BLOB_START)
        r->done = size;
    progress_view_draw(v, ev != PULL_BLOB_START);
}

static void on_progress(void *arg, size_t index, int64_t done, int64_t total)
{
    struct progress_view *v = arg;
    progress_view_update(v, index < v->nrows ? &v->rows[index] : NULL, done, total);
}

int cmd_pull(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    static const struct option opts[] = {
        {"platform", required_argument, NULL, 'p'},
        REGISTRY_LONG_OPTIONS,
        {0},
    };
    struct progress_view v;
    progress_view_init(&v, BAR_WIDTH, print_row);
    struct pull_observer obs = {.arg = &v, .resolved = on_resolved, .blob = on_blob,
                                .progress = on_progress};
    struct pull_opts o = {.observer = &obs};
    int c;
    while ((c = getopt_long(argc, argv, "+q", opts, NULL)) != -1) {
        if (c == 'p')
            o.platform = optarg;
        else if (!registry_option(c, &o.registry, &v.quiet))
            return cmd_usage(err, USAGE);
    }
    if (argc - optind != 1)
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    char digest[DIGEST_BUF];
    int ret = image_pull(&s, argv[optind], &o, digest, err);
    store_close(&s);
    progress_view_release(&v);
    if (ret < 0)
        return -1;
    if (!v.quiet)
        printf("Digest: ");
    printf("%s\n", digest);
    return 0;
}
