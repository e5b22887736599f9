/* keel-image ls [--format table|json] [-q]: the store's references. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "image.h"

#define USAGE "ls [--format table|json] [-q]"

static const char *human(int64_t n, char *buf, size_t len)
{
    if (n < 1000)
        snprintf(buf, len, "%" PRId64 "B", n);
    else if (n < 1000 * 1000)
        snprintf(buf, len, "%.1fkB", (double)n / 1e3);
    else if (n < 1000LL * 1000 * 1000)
        snprintf(buf, len, "%.1fMB", (double)n / 1e6);
    else
        snprintf(buf, len, "%.2fGB", (double)n / 1e9);
    return buf;
}

/* A digest's hex part, or "-". */
static const char *hex(const char *digest)
{
    return digest != NULL && strncmp(digest, "sha256:", 7) == 0 ? digest + 7 : "-";
}

static void print_table(const struct keel_image_list *l)
{
    printf("%-50s %-12s %-12s %-9s %-20s %s\n", "REFERENCE", "ID", "DIGEST", "SIZE", "CREATED",
           "PLATFORM");
    for (size_t i = 0; i < l->images_len; i++) {
        const struct keel_image_summary *e = &l->images[i];
        char size[32] = "-", created[21] = "-";
        if (e->has_size)
            human(e->size, size, sizeof size);
        if (e->created != NULL) {
            /* 2006-01-02T15:04:05.999Z -> 2006-01-02 15:04:05 */
            snprintf(created, sizeof created, "%.19s", e->created);
            if (created[10] == 'T')
                created[10] = ' ';
        }
        printf("%-50s %-12.12s %-12.12s %-9s %-20s %s\n", e->reference, hex(e->id), hex(e->digest),
               size, created, e->platform ? e->platform : "-");
    }
}

int cmd_ls(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {0},
    };
    const char *format = "table";
    bool quiet = false;
    int c;
    while ((c = getopt_long(argc, argv, "+q", opts, NULL)) != -1) {
        if (c == 'f')
            format = optarg;
        else if (c == 'q')
            quiet = true;
        else
            return cmd_usage(err, USAGE);
    }
    if (optind != argc || (strcmp(format, "table") != 0 && strcmp(format, "json") != 0))
        return cmd_usage(err, USAGE);
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0)
        return -1;
    struct keel_image_list l;
    int ret = image_list(&s, &l, err);
    store_close(&s);
    if (ret < 0)
        return -1;
    if (quiet) {
        for (size_t i = 0; i < l.images_len; i++)
            printf("%s\n", l.images[i].reference);
    } else if (strcmp(format, "json") == 0) {
        char *json = spec_generate(&spec_type_keel_image_list, &l, true, NULL, err);
        if (json == NULL)
            ret = -1;
        else
            printf("%s\n", json);
        free(json);
    } else {
        print_table(&l);
    }
    spec_release(&spec_type_keel_image_list, &l);
    return ret;
}
