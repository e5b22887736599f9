/* keel-image save [-o FILE] REF...: images as a docker-archive / OCI-archive tar. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "archive_save.h"
#include "commands.h"
#include "keel/cleanup.h"

#define USAGE "save [-o FILE] REF..."

int cmd_save(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    const char *file = NULL;
    int c;
    while ((c = getopt(argc, argv, "o:")) != -1) {
        if (c != 'o')
            return cmd_usage(err, USAGE);
        file = optarg;
    }
    if (optind >= argc)
        return cmd_usage(err, USAGE);
    if (file == NULL && isatty(STDOUT_FILENO))
        return keel_error(err, 0, "save: refusing to write a tar to a terminal (use -o FILE)");

    cleanup_free char *tmp = NULL;
    int fd = STDOUT_FILENO;
    if (file != NULL) {
        if (asprintf(&tmp, "%s.keel-tmp", file) < 0)
            return keel_syserror(err, "save");
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            return keel_syserror(err, "create %s", tmp);
    }
    struct store s;
    int rc = cmd_open_store(ctx, &s, err);
    if (rc == 0) {
        rc = archive_save(&s, argv + optind, (size_t)(argc - optind), fd, err);
        store_close(&s);
    }
    if (file != NULL) {
        if (close(fd) < 0 && rc == 0)
            rc = keel_syserror(err, "write %s", tmp);
        if (rc == 0 && rename(tmp, file) < 0)
            rc = keel_syserror(err, "rename %s to %s", tmp, file);
        if (rc < 0)
            unlink(tmp);
    }
    return rc;
}
