/* keel-image history [--no-trunc] [-q] [-H=false] REF: the image's history
 * entries, newest first, in docker history's table (the size of a layer is
 * its stored blob's). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "keel/cleanup.h"
#include "stored_image.h"

#define USAGE "history [--no-trunc] [-q] [-H=true|false] REF"
#define CREATED_BY_MAX 45

struct history_opts {
    bool no_trunc, quiet, human;
};

/* docker's HumanDuration. */
static void human_duration(int64_t s, char *out, size_t len)
{
    if (s < 1)
        snprintf(out, len, "Less than a second");
    else if (s == 1)
        snprintf(out, len, "1 second");
    else if (s < 60)
        snprintf(out, len, "%" PRId64 " seconds", s);
    else if (s < 120)
        snprintf(out, len, "About a minute");
    else if (s < 3600)
        snprintf(out, len, "%" PRId64 " minutes", s / 60);
    else if (s < 7200)
        snprintf(out, len, "About an hour");
    else if (s < 172800)
        snprintf(out, len, "%" PRId64 " hours", s / 3600);
    else if (s < 1209600)
        snprintf(out, len, "%" PRId64 " days", s / 86400);
    else if (s < 4838400)
        snprintf(out, len, "%" PRId64 " weeks", s / 604800);
    else if (s < 63072000)
        snprintf(out, len, "%" PRId64 " months", s / 2592000);
    else
        snprintf(out, len, "%" PRId64 " years", s / 31536000);
}

static void created_text(const char *created, const struct history_opts *o, char *out,
                         size_t len)
{
    struct tm tm = {0};
    if (created == NULL || strptime(created, "%Y-%m-%dT%H:%M:%S", &tm) == NULL) {
        snprintf(out, len, "%s", created != NULL ? created : "");
        return;
    }
    if (!o->human) {
        snprintf(out, len, "%s", created);
        return;
    }
    char ago[48];
    human_duration((int64_t)time(NULL) - (int64_t)timegm(&tm), ago, sizeof ago);
    snprintf(out, len, "%s ago", ago);
}

/* One row per entry, newest first; the columns padded as docker's tabwriter. */
struct row {
    char *cols[5];
};

static void print_rows(struct row *rows, size_t n)
{
    size_t w[5] = {0};
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 5; c++) {
            size_t l = strlen(rows[i].cols[c]);
            /* "…" is one column wide but three bytes */
            for (const char *p = rows[i].cols[c]; (p = strstr(p, "…")) != NULL; p += 3)
                l -= 2;
            w[c] = l > w[c] ? l : w[c];
        }
    for (size_t i = 0; i < n; i++) {
        for (int c = 0; c < 4; c++) {
            size_t l = strlen(rows[i].cols[c]);
            for (const char *p = rows[i].cols[c]; (p = strstr(p, "…")) != NULL; p += 3)
                l -= 2;
            printf("%s%*s", rows[i].cols[c], (int)(w[c] - l + 3), "");
        }
        printf("%s\n", rows[i].cols[4]);
    }
}

static char *dup_trunc(const char *s, bool trunc)
{
    if (!trunc || strlen(s) <= CREATED_BY_MAX)
        return strdup(s);
    char *out = malloc(CREATED_BY_MAX + 3);
    if (out != NULL)
        snprintf(out, CREATED_BY_MAX + 3, "%.*s…", CREATED_BY_MAX - 1, s);
    return out;
}

static int show(const struct stored_image *img, const struct history_opts *o, keel_err *err)
{
    const struct oci_image_config *c = &img->config;
    const char *digest = img->manifest.config->digest;
    char id[80];
    snprintf(id, sizeof id, "%s", o->no_trunc ? digest : digest + 7);
    if (!o->no_trunc)
        id[12] = '\0';
    size_t n = c->history_len + 1, layer = 0;
    struct row *rows = calloc(n, sizeof *rows);
    if (rows == NULL)
        return keel_syserror(err, "history");
    /* docker's header names the column CREATED AT when the time is not "ago" */
    rows[0] = (struct row){{strdup("IMAGE"), strdup(o->human ? "CREATED" : "CREATED AT"),
                            strdup("CREATED BY"),
                            strdup("SIZE"), strdup("COMMENT")}};
    for (size_t i = 0; i < c->history_len; i++) {
        const struct oci_image_history *h = &c->history[i];
        int64_t size = 0;
        if (!h->empty_layer && layer < img->manifest.layers_len)
            size = img->manifest.layers[layer++].size;
        char created[64], sz[32];
        created_text(h->created, o, created, sizeof created);
        if (o->human)
            cmd_human_size(size, 3, sz, sizeof sz); /* docker history's precision */
        else
            snprintf(sz, sizeof sz, "%" PRId64, size);
        struct row *r = &rows[n - 1 - i];
        *r = (struct row){{strdup(i + 1 == c->history_len ? id : "<missing>"), strdup(created),
                           dup_trunc(h->created_by ? h->created_by : "", !o->no_trunc),
                           strdup(sz), strdup(h->comment ? h->comment : "")}};
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        for (int k = 0; k < 5; k++)
            if (rows[i].cols[k] == NULL)
                rc = keel_syserror(err, "history");
    if (rc == 0 && o->quiet)
        for (size_t i = 1; i < n; i++)
            printf("%s\n", rows[i].cols[0]);
    else if (rc == 0)
        print_rows(rows, n);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 5; k++)
            free(rows[i].cols[k]);
    free(rows);
    return rc;
}

int cmd_history(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    static const struct option opts[] = {
        {"no-trunc", no_argument, NULL, 'n'},
        {"quiet", no_argument, NULL, 'q'},
        {"human", optional_argument, NULL, 'H'},
        {0},
    };
    struct history_opts o = {.human = true};
    int c;
    while ((c = getopt_long(argc, argv, "+qH::", opts, NULL)) != -1) {
        if (c == 'n') {
            o.no_trunc = true;
        } else if (c == 'q') {
            o.quiet = true;
        } else if (c == 'H') {
            const char *v = optarg != NULL && optarg[0] == '=' ? optarg + 1 : optarg;
            if (v != NULL && strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
                return cmd_usage(err, USAGE);
            o.human = v == NULL || strcmp(v, "true") == 0;
        } else {
            return cmd_usage(err, USAGE);
        }
    }
    if (argc - optind != 1)
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    struct stored_image img;
    int rc = stored_image_read(&s, argv[optind], &img, err);
    store_close(&s);
    if (rc < 0)
        return -1;
    rc = show(&img, &o, err);
    stored_image_release(&img);
    return rc;
}
