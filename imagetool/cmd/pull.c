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

#define USAGE "pull [--platform OS/ARCH[/VARIANT]] [--creds USER:PASS] [--insecure] [-q] REF"
#define BAR_WIDTH 30

struct row {
    char what[32]; /* "layer 1a2b3c4d5e6f" */
    int64_t done, total;
    const char *state;
};

struct view {
    bool tty, quiet;
    struct row *rows;
    size_t nrows;
    bool drawn;
    long long last_draw_ms;
};

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

static void draw(struct view *v, bool force)
{
    if (!progress_due(&v->last_draw_ms, force))
        return;
    if (v->drawn)
        printf("\033[%zuA", v->nrows);
    for (size_t i = 0; i < v->nrows; i++) {
        struct row *r = &v->rows[i];
        char bar[BAR_WIDTH + 2], a[32], b[32];
        progress_bar(bar, BAR_WIDTH, r->done, r->total);
        printf("\r\033[K%-20s [%s] %9s/%-9s %s\n", r->what, bar, human(r->done, a, sizeof a),
               human(r->total, b, sizeof b), r->state);
    }
    v->drawn = true;
    fflush(stdout);
}

static void on_resolved(void *arg, const char *ref, const char *digest, size_t nlayers)
{
    struct view *v = arg;
    v->nrows = nlayers + 1;
    v->rows = calloc(v->nrows, sizeof *v->rows);
    if (v->rows == NULL)
        v->nrows = 0;
    if (!v->quiet)
        printf("Pulling %s (%s, %zu layers)\n", ref, digest, nlayers);
}

static void on_blob(void *arg, size_t index, const char *kind, const char *digest, int64_t size,
                    enum pull_event ev)
{
    struct view *v = arg;
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
    struct row *r = &v->rows[index];
    snprintf(r->what, sizeof r->what, "%s %.12s", kind, digest + 7);
    r->total = size;
    r->state = states[ev];
    if (ev != PULL_BLOB_START)
        r->done = size;
    draw(v, ev != PULL_BLOB_START);
}

static void on_progress(void *arg, size_t index, int64_t done, int64_t total)
{
    struct view *v = arg;
    if (!v->tty || v->quiet || index >= v->nrows)
        return;
    v->rows[index].done = done;
    if (total > 0)
        v->rows[index].total = total;
    draw(v, false);
}

int cmd_pull(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    static const struct option opts[] = {
        {"platform", required_argument, NULL, 'p'},
        {"creds", required_argument, NULL, 'c'},
        {"insecure", no_argument, NULL, 'k'},
        {"quiet", no_argument, NULL, 'q'},
        {0},
    };
    struct view v = {.tty = isatty(STDOUT_FILENO) == 1};
    struct pull_observer obs = {.arg = &v, .resolved = on_resolved, .blob = on_blob,
                                .progress = on_progress};
    struct pull_opts o = {.observer = &obs};
    int c;
    while ((c = getopt_long(argc, argv, "+q", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            o.platform = optarg;
            break;
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
    if (argc - optind != 1)
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    char digest[DIGEST_BUF];
    int ret = image_pull(&s, argv[optind], &o, digest, err);
    store_close(&s);
    free(v.rows);
    if (ret < 0)
        return -1;
    if (!v.quiet)
        printf("Digest: ");
    printf("%s\n", digest);
    return 0;
}
