/* keel-image bundle [OPTIONS] REF DIR [-- CMD ARGS...]: an OCI runtime bundle
 * of the image, its config changed by docker-run-like options. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "commands.h"
#include "keel/cleanup.h"

#define USAGE                                                                              \
    "bundle [--copy] [--volatile] [--print-command] [--entrypoint CMD] [-e K[=V]]... "    \
    "[-w DIR] [-u USER[:GROUP]] [--hostname H] [-t] [--read-only] [--netns none|host|PATH] " \
    "[--memory BYTES] [--cpus N] [--pids-limit N] [--cgroups-path P] "                     \
    "[--mount SRC:DST[:ro]]... [--annotation K=V]... [--cpu-shares N] "                    \
    "[--pidns none|host|PATH] [--ipcns none|host|PATH] [--ulimit NAME=SOFT[:HARD]]... "     \
    "[--shm-size BYTES] [--init PATH] [--privileged] [--cap-add CAP]... [--cap-drop CAP]... " \
    "[--device HOST[:CTR][:PERMS]]... [--no-new-privileges] [--seccomp unconfined|FILE] "   \
    "[--apparmor PROFILE] REF DIR [-- CMD ARGS...]"

enum {
    OPT_COPY = 256, OPT_VOLATILE, OPT_PRINT, OPT_ENTRYPOINT, OPT_HOSTNAME, OPT_READ_ONLY,
    OPT_NETNS, OPT_MEMORY, OPT_CPUS, OPT_PIDS, OPT_CGROUPS, OPT_MOUNT, OPT_ANNOTATION,
    OPT_SHARES, OPT_PIDNS, OPT_IPCNS, OPT_ULIMIT, OPT_SHM, OPT_INIT, OPT_PRIVILEGED, OPT_CAP_ADD,
    OPT_CAP_DROP, OPT_DEVICE, OPT_NNP, OPT_SECCOMP, OPT_APPARMOR,
};

static int parse(int argc, char **argv, struct bundle_options *o, bool *print, keel_err *err)
{
    static const struct option opts[] = {
        {"copy", no_argument, NULL, OPT_COPY},
        {"volatile", no_argument, NULL, OPT_VOLATILE},
        {"print-command", no_argument, NULL, OPT_PRINT},
        {"entrypoint", required_argument, NULL, OPT_ENTRYPOINT},
        {"env", required_argument, NULL, 'e'},
        {"workdir", required_argument, NULL, 'w'},
        {"user", required_argument, NULL, 'u'},
        {"hostname", required_argument, NULL, OPT_HOSTNAME},
        {"tty", no_argument, NULL, 't'},
        {"read-only", no_argument, NULL, OPT_READ_ONLY},
        {"netns", required_argument, NULL, OPT_NETNS},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"cpus", required_argument, NULL, OPT_CPUS},
        {"pids-limit", required_argument, NULL, OPT_PIDS},
        {"cgroups-path", required_argument, NULL, OPT_CGROUPS},
        {"mount", required_argument, NULL, OPT_MOUNT},
        {"annotation", required_argument, NULL, OPT_ANNOTATION},
        {"cpu-shares", required_argument, NULL, OPT_SHARES},
        {"pidns", required_argument, NULL, OPT_PIDNS},
        {"ipcns", required_argument, NULL, OPT_IPCNS},
        {"ulimit", required_argument, NULL, OPT_ULIMIT},
        {"shm-size", required_argument, NULL, OPT_SHM},
        {"init", required_argument, NULL, OPT_INIT},
        {"privileged", no_argument, NULL, OPT_PRIVILEGED},
        {"cap-add", required_argument, NULL, OPT_CAP_ADD},
        {"cap-drop", required_argument, NULL, OPT_CAP_DROP},
        {"device", required_argument, NULL, OPT_DEVICE},
        {"no-new-privileges", no_argument, NULL, OPT_NNP},
        {"seccomp", required_argument, NULL, OPT_SECCOMP},
        {"apparmor", required_argument, NULL, OPT_APPARMOR},
        {0},
    };
    int c, rc = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, "+e:w:u:t", opts, NULL)) != -1) {
        switch (c) {
        case OPT_COPY: o->copy = true; break;
        case OPT_VOLATILE: o->volatile_upper = true; break;
        case OPT_PRINT: *print = true; break;
        case OPT_ENTRYPOINT: o->entrypoint_set = true; o->entrypoint = optarg; break;
        case 'e': rc = strv_append(&o->env, &o->env_len, optarg); break;
        case 'w': o->workdir = optarg; break;
        case 'u': o->user = optarg; break;
        case OPT_HOSTNAME: o->hostname = optarg; break;
        case 't': o->tty = true; break;
        case OPT_READ_ONLY: o->read_only = true; break;
        case OPT_NETNS: o->netns = optarg; break;
        case OPT_MEMORY: o->memory = optarg; break;
        case OPT_CPUS: o->cpus = optarg; break;
        case OPT_PIDS: o->pids_limit = optarg; break;
        case OPT_CGROUPS: o->cgroups_path = optarg; break;
        case OPT_MOUNT: rc = strv_append(&o->mounts, &o->mounts_len, optarg); break;
        case OPT_ANNOTATION: rc = strv_append(&o->annotations, &o->annotations_len, optarg); break;
        case OPT_SHARES: o->cpu_shares = optarg; break;
        case OPT_PIDNS: o->pidns = optarg; break;
        case OPT_IPCNS: o->ipcns = optarg; break;
        case OPT_ULIMIT: rc = strv_append(&o->ulimits, &o->ulimits_len, optarg); break;
        case OPT_SHM: o->shm_size = optarg; break;
        case OPT_INIT: o->init = optarg; break;
        case OPT_PRIVILEGED: o->privileged = true; break;
        case OPT_CAP_ADD: rc = strv_append(&o->cap_add, &o->cap_add_len, optarg); break;
        case OPT_CAP_DROP: rc = strv_append(&o->cap_drop, &o->cap_drop_len, optarg); break;
        case OPT_DEVICE: rc = strv_append(&o->devices, &o->devices_len, optarg); break;
        case OPT_NNP: o->no_new_privileges = true; break;
        case OPT_SECCOMP: o->seccomp = optarg; break;
        case OPT_APPARMOR: o->apparmor = optarg; break;
        default: return cmd_usage(err, USAGE);
        }
    }
    if (rc < 0)
        return keel_syserror(err, "bundle options");
    int rest = argc - optind;
    if (rest < 2 || (rest > 2 && strcmp(argv[optind + 2], "--") != 0))
        return cmd_usage(err, USAGE);
    if (rest > 2) {
        o->cmd_set = true;
        o->cmd = &argv[optind + 3];
        o->cmd_len = (size_t)(rest - 3);
    }
    return 0;
}

int cmd_bundle(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    struct bundle_options o = {0};
    bool print = false;
    int rc = parse(argc, argv, &o, &print, err);
    struct store s;
    if (rc == 0)
        rc = cmd_open_store(ctx, &s, err);
    if (rc == 0) {
        struct bundle_command command = {0};
        rc = bundle_create(&s, argv[optind], argv[optind + 1], &o, print ? &command : NULL, err);
        store_close(&s);
        if (rc == 0 && print)
            printf("%s\n%s\n%s\n", command.arg0, command.path, command.image_id);
        bundle_command_release(&command);
    }
    free(o.env);
    free(o.mounts);
    free(o.annotations);
    free(o.ulimits);
    free(o.cap_add);
    free(o.cap_drop);
    free(o.devices);
    return rc;
}
