/* docker-run-like options for a bundle's config (keel-image bundle's flags):
 * what the caller changes in the config made from the image, with docker's
 * semantics, so that a front end writes the bundle once and right. */
#ifndef KEEL_IMAGETOOL_BUNDLE_OPTIONS_H
#define KEEL_IMAGETOOL_BUNDLE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/error.h"
#include "keel/image_spec.h"
#include "keel/runtime_spec.h"

struct bundle_options {
    bool copy;          /* a flat rootfs instead of an overlay */
    bool volatile_upper; /* overlay "volatile": no sync of the upper layer */
    /* process */
    bool entrypoint_set; /* --entrypoint given ("" clears the Entrypoint) */
    const char *entrypoint;
    bool cmd_set; /* CMD given: replaces the image's Cmd */
    char **cmd;
    size_t cmd_len;
    char **env; /* K=V overrides the image's K; K alone takes getenv(K) */
    size_t env_len;
    const char *workdir, *user;
    bool tty;
    /* the rest of the config */
    const char *hostname;
    bool read_only;
    const char *netns; /* NULL: unchanged; "none": a new one; "host": the host's; or a path */
    const char *memory, *cpus, *pids_limit; /* bytes, CPUs (decimal), a count (-1: none) */
    const char *cgroups_path;
    char **mounts; /* SRC:DST[:ro|:rw], binds replacing any mount at DST */
    size_t mounts_len;
    char **annotations; /* K=V */
    size_t annotations_len;
    /* docker run's other flags */
    const char *cpu_shares;
    const char *pidns, *ipcns; /* as netns: NULL, "none" (a new one), "host" or a path */
    char **ulimits; /* NAME=SOFT[:HARD] */
    size_t ulimits_len;
    const char *shm_size; /* bytes */
    const char *init;     /* an init binary put in front of the command (--init) */
    /* security (bundle_security.c) */
    bool privileged, no_new_privileges;
    char **cap_add, **cap_drop; /* names with or without CAP_, any case, or ALL */
    size_t cap_add_len, cap_drop_len;
    char **devices; /* HOST[:CTR][:PERMS] */
    size_t devices_len;
    const char *seccomp;  /* "unconfined" or a profile file (docker's format) */
    const char *apparmor; /* a profile name, "unconfined" for none */
};

/* Where --init's binary is mounted in the container (docker's path). */
#define BUNDLE_INIT_PATH "/sbin/docker-init"

/* process.args from the image's Entrypoint and Cmd and the options (docker's
 * rules: CMD replaces Cmd; --entrypoint replaces Entrypoint and drops Cmd). */
int bundle_options_args(const struct bundle_options *o, const struct oci_image_exec_config *c,
                        struct oci_process *p, keel_err *err);

/* Applies the options' environment to process.env. */
int bundle_options_env(const struct bundle_options *o, struct oci_process *p, keel_err *err);

/* Applies everything outside process to a config made from the image. */
int bundle_options_apply(const struct bundle_options *o, struct oci_config *cfg, keel_err *err);

/* bundle_security.c: capabilities by name (an index into Linux's list, or
 * BUNDLE_CAP_ALL, or -1 when unknown), the set docker's rules make of the
 * defaults and the options (set[] has one entry per capability), and the
 * security options applied to the config. */
#define BUNDLE_CAP_ALL 1000
int bundle_cap_index(const char *name);
int bundle_caps_resolve(const struct bundle_options *o, char *const *defaults, size_t n_defaults,
                        bool set[], keel_err *err);
int bundle_security_apply(const struct bundle_options *o, struct oci_config *cfg, keel_err *err);

#endif
