/* keel-image load [-i FILE]: images from a docker save tar or an OCI archive. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "archive_load.h"
#include "commands.h"

#define USAGE "load [-i FILE]"

static void print_loaded(const char *ref, const char *digest, void *ctx)
{
    (void)ctx;
    if (ref != NULL)
        printf("Loaded image: %s\n", ref);
    else
        printf("Loaded image ID: %s\n", digest);
}

int cmd_load(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    const char *file = NULL;
    int c;
    while ((c = getopt(argc, argv, "+i:")) != -1) {
        if (c != 'i')
            return cmd_usage(err, USAGE);
        file = optarg;
    }
    if (optind != argc)
        return cmd_usage(err, USAGE);
    int fd = file != NULL ? open(file, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
    if (fd < 0)
        return keel_syserror(err, "open %s", file != NULL ? file : "stdin");
    struct store s;
    if (cmd_open_store(ctx, &s, err) < 0) {
        close(fd);
        return -1;
    }
    int rc = archive_load(&s, fd, file != NULL ? file : "stdin", print_loaded, NULL, err);
    store_close(&s);
    return rc;
}
