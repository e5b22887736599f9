/* keel-bundle: keel-image's bundle and unbundle commands alone, for front ends
 * that make a bundle per container (keel-docker run). Linked --as-needed, it
 * loads neither libcurl nor the ~25 libraries behind it, and starts in about
 * half keel-image's time (dynamic relocation dominates a start here).
 *
 * It does not unpack either: its own layer_apply and image_unpack_layers
 * below keep unpack.o, and with it libarchive and the ~12 libraries behind
 * it, out of the program. A bundle that needs a layer unpacked (the first
 * run of a newly pulled image) or a copied rootfs fails here, undoes what it
 * made, and is made again by keel-image (next to this program, else on PATH)
 * with the same arguments. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle_staging.h"
#include "commands.h"
#include "layer_path.h"
#include "store.h"
#include "stored_image.h"
#include "unpack.h"

static bool need_keel_image;

int layer_apply(int rootfd, int layer_fd, const char *name, enum layer_target target,
                const char *expected_diffid, char *diffid, keel_err *err)
{
    (void)rootfd, (void)layer_fd, (void)target, (void)expected_diffid, (void)diffid;
    need_keel_image = true;
    return keel_error(err, ENOTSUP, "layer %s: keel-bundle does not unpack", name);
}

int image_unpack_layers(struct store *s, const struct stored_image *img, const char *dir,
                        keel_err *err)
{
    (void)s, (void)img;
    need_keel_image = true;
    return keel_error(err, ENOTSUP, "%s: keel-bundle does not unpack", dir);
}

/* Runs keel-image with this program's arguments; returns only on failure. */
static void exec_keel_image(char **argv)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash != NULL && (size_t)(slash - self) + sizeof "/keel-image" <= sizeof self) {
            strcpy(slash, "/keel-image");
            argv[0] = self;
            execv(self, argv);
        }
    }
    argv[0] = "keel-image";
    execvp("keel-image", argv);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: keel-bundle [--root DIR] bundle|unbundle ARGS... (as keel-image's)\n"
                "       keel-bundle [--root DIR] remove BUNDLE PATH...\n");
}

/* keel-bundle remove BUNDLE PATH...: unbundles BUNDLE when it is there, then
 * removes each PATH (a tree or a link), as `unbundle BUNDLE; rm -rf PATH...`
 * in one process (keel-docker's rm of a container). A failed unbundle
 * (BUNDLE still mounted) removes nothing else. */
static int cmd_remove(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    if (argc < 2)
        return cmd_usage(err, "remove BUNDLE PATH...");
    if (access(argv[1], F_OK) == 0) {
        char *args[] = {"unbundle", argv[1], NULL};
        optind = 0;
        if (cmd_unbundle(ctx, 2, args, err) < 0)
            return -1;
    } else {
        /* a bundle killed before its rename: its staging directory (and
         * overlay) is beside BUNDLE, maybe inside a PATH about to go */
        char parent[PATH_MAX];
        snprintf(parent, sizeof parent, "%s", argv[1]);
        char *slash = strrchr(parent, '/');
        bundle_staging_sweep(slash == NULL ? "." : slash == parent ? "/" : (*slash = '\0', parent));
    }
    for (int i = 2; i < argc; i++)
        if (remove_tree_at(AT_FDCWD, argv[i], err) < 0)
            return -1;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"root", required_argument, NULL, 'r'}, {"help", no_argument, NULL, 'h'}, {0}};
    struct cmd_ctx ctx = {.root = getenv("KEEL_ROOT")};
    if (ctx.root == NULL || ctx.root[0] == '\0')
        ctx.root = STORE_DEFAULT_ROOT;
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (c != 'r') {
            usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
        ctx.root = optarg;
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[optind];
    cmd_fn *run = strcmp(name, "bundle") == 0 ? cmd_bundle
                  : strcmp(name, "unbundle") == 0 ? cmd_unbundle
                  : strcmp(name, "remove") == 0   ? cmd_remove
                                                  : NULL;
    if (run == NULL) {
        fprintf(stderr, "keel-bundle: unknown command \"%s\" (see keel-image)\n", name);
        return 2;
    }
    keel_err err = {0};
    int first = optind;
    optind = 0; /* the command runs getopt over its own argv */
    if (run(&ctx, argc - first, argv + first, &err) < 0) {
        if (need_keel_image) {
            optind = 0;
            exec_keel_image(argv);
            fprintf(stderr, "keel-bundle: run keel-image: %s\n", strerror(errno));
            return 1;
        }
        fprintf(stderr, "keel-image: %s\n", err.msg);
        return 1;
    }
    return 0;
}
