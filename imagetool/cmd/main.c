/* keel-image: pulls, stores and unpacks OCI images. Global options, then a command. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "store.h"
#include "version.h"

struct command {
    const char *name;
    cmd_fn *run;
    const char *usage;
};

static const struct command commands[] = {
    {"pull", cmd_pull,
     "pull [--platform OS/ARCH[/VARIANT]] [--creds USER:PASS] [--insecure] [-q] REF"},
    {"push", cmd_push, "push [--creds USER:PASS] [--insecure] [-q] REF [DEST-REF]"},
    {"login", cmd_login, "login [-u USER] [-p PASS | --password-stdin] [SERVER]"},
    {"logout", cmd_logout, "logout [SERVER]"},
    {"ls", cmd_ls, "ls [--format table|json] [-q]"},
    {"inspect", cmd_inspect, "inspect IMAGE"},
    {"tag", cmd_tag, "tag IMAGE DST"},
    {"rm", cmd_rm, "rm [-f] IMAGE..."},
    {"resolve", cmd_resolve, "resolve IMAGE"},
    {"gc", cmd_gc, "gc [--dry-run]"},
    {"unpack", cmd_unpack, "unpack REF DIR"},
    {"bundle", cmd_bundle, "bundle [OPTIONS] REF DIR [-- CMD ARGS...] (see README)"},
    {"unbundle", cmd_unbundle, "unbundle DIR"},
    {"load", cmd_load, "load [-i FILE]"},
    {"save", cmd_save, "save [-o FILE] REF..."},
    {"build", cmd_build,
     "build [-t REF]... [-f FILE|-] [--build-arg K[=V]]... [--target STAGE] [--no-cache] "
     "[--pull] [-q] [--network host|none] [--label K=V]... [--progress auto|plain|quiet] "
     "[--iidfile FILE] CONTEXT|-"},
    {"builder", cmd_builder, "builder prune [-a] [-f] [-q] | builder du"},
    {"history", cmd_history, "history [--no-trunc] [-q] [-H=true|false] REF"},
    {"commit", cmd_commit, "commit [-c|--change INSTR]... [-m MSG] [-a AUTHOR] BUNDLE [REF]"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: keel-image [--root DIR] COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %s\n", commands[i].usage);
    fprintf(f, "\nThe store is --root, else $KEEL_ROOT, else %s.\n", STORE_DEFAULT_ROOT);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"root", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'v'},
        {0},
    };
    struct cmd_ctx ctx = {.root = getenv("KEEL_ROOT")};
    if (ctx.root == NULL || ctx.root[0] == '\0')
        ctx.root = STORE_DEFAULT_ROOT;
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            ctx.root = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'v':
            printf("keel-image version %s\n", keel_image_version);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[optind];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(commands[i].name, name) != 0)
            continue;
        keel_err err = {0};
        int first = optind;
        optind = 0; /* each command runs getopt over its own argv */
        if (commands[i].run(&ctx, argc - first, argv + first, &err) < 0) {
            fprintf(stderr, "keel-image: %s\n", err.msg);
            return 1;
        }
        return 0;
    }
    fprintf(stderr, "keel-image: unknown command \"%s\" (see keel-image --help)\n", name);
    return 2;
}
