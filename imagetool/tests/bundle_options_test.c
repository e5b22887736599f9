/* keel-image bundle's docker-run-like options (bundle_options.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_options.h"

static char *ep[] = {"/entry", "--flag"};
static char *cmd[] = {"serve", "--port=80"};
static const struct oci_image_exec_config image = {
    .Entrypoint = ep, .Entrypoint_len = 2, .Cmd = cmd, .Cmd_len = 2};

static char *args_of(const struct bundle_options *o, const struct oci_image_exec_config *c)
{
    struct oci_process p = {0};
    keel_err err;
    cr_assert_eq(bundle_options_args(o, c, &p, &err), 0, "%s", err.msg);
    size_t len = 1;
    for (size_t i = 0; i < p.args_len; i++)
        len += strlen(p.args[i]) + 1;
    char *out = calloc(1, len);
    for (size_t i = 0; i < p.args_len; i++) {
        if (i > 0)
            strcat(out, " ");
        strcat(out, p.args[i]);
    }
    spec_release(&spec_type_oci_process, &p);
    return out;
}

#define ASSERT_ARGS(o, c, want)                                                               \
    do {                                                                                      \
        char *got_ = args_of(o, c);                                                           \
        cr_assert_str_eq(got_, want);                                                         \
        free(got_);                                                                           \
    } while (0)

Test(options, args_follow_docker_run)
{
    char *mine[] = {"echo", "hi"};
    ASSERT_ARGS(NULL, &image, "/entry --flag serve --port=80");
    struct bundle_options o = {.cmd_set = true, .cmd = mine, .cmd_len = 2};
    ASSERT_ARGS(&o, &image, "/entry --flag echo hi"); /* CMD replaces Cmd only */
    o = (struct bundle_options){.entrypoint_set = true, .entrypoint = "/bin/sh"};
    ASSERT_ARGS(&o, &image, "/bin/sh"); /* --entrypoint drops Cmd */
    o.cmd_set = true, o.cmd = mine, o.cmd_len = 2;
    ASSERT_ARGS(&o, &image, "/bin/sh echo hi");
    o.entrypoint = ""; /* --entrypoint "" clears it: CMD alone */
    ASSERT_ARGS(&o, &image, "echo hi");
}

Test(options, no_command_is_an_error)
{
    struct bundle_options o = {.entrypoint_set = true, .entrypoint = ""};
    struct oci_process p = {0};
    keel_err err;
    cr_assert_eq(bundle_options_args(&o, &image, &p, &err), -1);
    cr_assert(strstr(err.msg, "no command specified") != NULL, "%s", err.msg);
    spec_release(&spec_type_oci_process, &p);
    struct oci_image_exec_config empty = {0};
    cr_assert_eq(bundle_options_args(NULL, &empty, &p, &err), -1);
    spec_release(&spec_type_oci_process, &p);
}

static bool has(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

Test(options, env_overrides_and_takes_the_callers)
{
    struct oci_process p = {0};
    p.env = calloc(1, sizeof *p.env);
    cr_assert_eq(spec_strs_append(&p.env, &p.env_len, "A=image"), 0);
    cr_assert_eq(spec_strs_append(&p.env, &p.env_len, "B=image"), 0);
    setenv("KEEL_OPTIONS_TEST_FROM_CALLER", "caller", 1);
    unsetenv("KEEL_OPTIONS_TEST_UNSET");
    char *env[] = {"A=mine", "KEEL_OPTIONS_TEST_FROM_CALLER", "KEEL_OPTIONS_TEST_UNSET", "C=x=y"};
    struct bundle_options o = {.env = env, .env_len = 4};
    keel_err err;
    cr_assert_eq(bundle_options_env(&o, &p, &err), 0, "%s", err.msg);
    cr_assert_eq(p.env_len, 4);
    cr_assert(has(p.env, p.env_len, "A=mine"));
    cr_assert(!has(p.env, p.env_len, "A=image"));
    cr_assert(has(p.env, p.env_len, "B=image"));
    cr_assert(has(p.env, p.env_len, "KEEL_OPTIONS_TEST_FROM_CALLER=caller"));
    cr_assert(has(p.env, p.env_len, "C=x=y"));
    spec_release(&spec_type_oci_process, &p);

    char *bad[] = {"=v"};
    o = (struct bundle_options){.env = bad, .env_len = 1};
    cr_assert_eq(bundle_options_env(&o, &p, &err), -1);
    spec_release(&spec_type_oci_process, &p);
}

/* A config as imageconfig_to_spec makes it, reduced to what the options touch. */
static void base_config(struct oci_config *c)
{
    memset(c, 0, sizeof *c);
    c->root = calloc(1, sizeof *c->root);
    c->linux = calloc(1, sizeof *c->linux);
    c->linux->namespaces = calloc(2, sizeof *c->linux->namespaces);
    c->linux->namespaces[0].type = strdup("pid");
    c->linux->namespaces[1].type = strdup("network");
    c->linux->namespaces_len = 2;
    c->mounts = calloc(1, sizeof *c->mounts);
    c->mounts[0].destination = strdup("/proc");
    c->mounts_len = 1;
}

Test(options, apply_sets_the_rest)
{
    struct oci_config c;
    base_config(&c);
    char *mounts[] = {"/host/a:/data:ro", "/host/b:/proc", "/host/c:/data"};
    char *annotations[] = {"io.keel.docker.id=abc", "k=v=w"};
    struct bundle_options o = {
        .hostname = "box", .read_only = true, .netns = "/run/netns/x", .memory = "1048576",
        .cpus = "0.5", .pids_limit = "-1", .cgroups_path = "/keel-docker/abc",
        .mounts = mounts, .mounts_len = 3, .annotations = annotations, .annotations_len = 2};
    keel_err err;
    cr_assert_eq(bundle_options_apply(&o, &c, &err), 0, "%s", err.msg);
    cr_assert_str_eq(c.hostname, "box");
    cr_assert(c.root->readonly && c.root->has_readonly);
    cr_assert_str_eq(c.linux->cgroupsPath, "/keel-docker/abc");
    cr_assert_eq(c.linux->namespaces_len, 2);
    cr_assert_str_eq(c.linux->namespaces[1].type, "network");
    cr_assert_str_eq(c.linux->namespaces[1].path, "/run/netns/x");
    cr_assert_eq(c.linux->resources->memory->limit, 1048576);
    cr_assert_eq(c.linux->resources->cpu->quota, 50000);
    cr_assert_eq(c.linux->resources->cpu->period, 100000);
    cr_assert_eq(c.linux->resources->pids->limit, -1);
    /* /proc and the first /data are replaced: two mounts, the last of each */
    cr_assert_eq(c.mounts_len, 2);
    cr_assert_str_eq(c.mounts[0].source, "/host/b");
    cr_assert_str_eq(c.mounts[1].source, "/host/c");
    cr_assert_str_eq(c.mounts[1].type, "bind");
    cr_assert(has(c.mounts[1].options, c.mounts[1].options_len, "rw"));
    cr_assert_str_eq(spec_map_get(c.annotations_keys, c.annotations, c.annotations_len, "k"), "v=w");
    spec_release(&spec_type_oci_config, &c);
}

Test(options, netns_host_and_none)
{
    struct oci_config c;
    base_config(&c);
    struct bundle_options o = {.netns = "host"};
    keel_err err;
    cr_assert_eq(bundle_options_apply(&o, &c, &err), 0, "%s", err.msg);
    cr_assert_eq(c.linux->namespaces_len, 1);
    cr_assert_str_eq(c.linux->namespaces[0].type, "pid");
    o.netns = "none";
    cr_assert_eq(bundle_options_apply(&o, &c, &err), 0, "%s", err.msg);
    cr_assert_eq(c.linux->namespaces_len, 2);
    cr_assert_str_eq(c.linux->namespaces[1].type, "network");
    cr_assert_null(c.linux->namespaces[1].path);
    spec_release(&spec_type_oci_config, &c);
}

Test(options, bad_values_are_errors)
{
    const struct bundle_options bad[] = {
        {.memory = "12k"}, {.memory = "0"}, {.cpus = "abc"}, {.cpus = "0"},
        {.pids_limit = "-2"}, {.netns = "relative"},
        {.mounts = (char *[]){"/a"}, .mounts_len = 1},
        {.mounts = (char *[]){"rel:/b"}, .mounts_len = 1},
        {.mounts = (char *[]){"/a:/b:rx"}, .mounts_len = 1},
        {.annotations = (char *[]){"novalue"}, .annotations_len = 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct oci_config c;
        base_config(&c);
        keel_err err;
        cr_assert_eq(bundle_options_apply(&bad[i], &c, &err), -1, "case %zu", i);
        spec_release(&spec_type_oci_config, &c);
    }
}

/* base_config with a process running "app" with docker's default capabilities. */
static void process_config(struct oci_config *c)
{
    base_config(c);
    struct oci_process *p = c->process = calloc(1, sizeof *p);
    p->args = calloc(1, sizeof *p->args);
    cr_assert_eq(spec_strs_append(&p->args, &p->args_len, "app"), 0);
    p->capabilities = calloc(1, sizeof *p->capabilities);
    const char *caps[] = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"};
    for (size_t i = 0; i < 3; i++)
        cr_assert_eq(spec_strs_append(&p->capabilities->bounding, &p->capabilities->bounding_len,
                                      caps[i]), 0);
    c->mounts = realloc(c->mounts, 2 * sizeof *c->mounts);
    memset(&c->mounts[1], 0, sizeof c->mounts[1]);
    c->mounts[1].destination = strdup("/dev/shm");
    c->mounts[1].options = calloc(1, sizeof(char *));
    cr_assert_eq(spec_strs_append(&c->mounts[1].options, &c->mounts[1].options_len, "mode=1777"), 0);
    cr_assert_eq(spec_strs_append(&c->mounts[1].options, &c->mounts[1].options_len, "size=67108864"), 0);
    c->mounts_len = 2;
}

Test(options, capability_names_as_docker_takes_them)
{
    cr_assert_eq(bundle_cap_index("CAP_CHOWN"), 0);
    cr_assert_eq(bundle_cap_index("chown"), 0);
    cr_assert_eq(bundle_cap_index("Net_Admin"), 12);
    cr_assert_eq(bundle_cap_index("all"), BUNDLE_CAP_ALL);
    cr_assert_eq(bundle_cap_index("CAP_NOPE"), -1);
}

Test(options, cap_add_and_drop_follow_docker)
{
    struct oci_config c;
    process_config(&c);
    struct bundle_options o = {.cap_add = (char *[]){"net_admin"}, .cap_add_len = 1,
                               .cap_drop = (char *[]){"CAP_KILL", "chown"}, .cap_drop_len = 2};
    keel_err err;
    cr_assert_eq(bundle_options_apply(&o, &c, &err), 0, "%s", err.msg);
    struct oci_capabilities *k = c.process->capabilities;
    cr_assert_eq(k->bounding_len, 2);
    cr_assert_str_eq(k->bounding[0], "CAP_NET_ADMIN"); /* Linux's order */
    cr_assert_str_eq(k->bounding[1], "CAP_NET_RAW");
    cr_assert_eq(k->effective_len, 2);
    cr_assert_eq(k->permitted_len, 2);
    spec_release(&spec_type_oci_config, &c);

    process_config(&c);
    o = (struct bundle_options){.cap_drop = (char *[]){"ALL"}, .cap_drop_len = 1,
                                .cap_add = (char *[]){"kill"}, .cap_add_len = 1};
    cr_assert_eq(bundle_options_apply(&o, &c, &err), 0, "%s", err.msg);
    cr_assert_eq(c.process->capabilities->bounding_len, 1);
    cr_assert_str_eq(c.process->capabilities->bounding[0], "CAP_KILL");
    spec_release(&spec_type_oci_config, &c);

    process_config(&c);
    o = (struct bundle_options){.cap_add = (char *[]){"bogus"}, .cap_add_len = 1};
    cr_assert_eq(bundle_options_apply(&o, &c, &err), -1);
    cr_assert(strncmp(err.msg, "invalid CapAdd: unknown capability: \"CAP_BOGUS\"", 46) == 0, "%s", err.msg);
    spec_release(&spec_type_oci_config, &c);
}

Test(options, privileged_lifts_the_confinement)
{
    struct oci_config c;
    process_config(&c);
    c.linux->maskedPaths = calloc(1, sizeof(char *));
    cr_assert_eq(spec_strs_append(&c.linux->maskedPaths, &c.linux->maskedPaths_len, "/proc/kcore"), 0);
    c.linux->seccomp = calloc(1, sizeof *c.linux->seccomp);
    struct bundle_options o = {.privileged = true};
    keel_err err;
    cr_assert_eq(bundle_options_apply(&o, &c, &err), 0, "%s", err.msg);
    cr_assert_eq(c.linux->maskedPaths_len, 0);
    cr_assert_null(c.linux->seccomp);
    cr_assert_gt(c.process->capabilities->bounding_len, 3);
    /* the host's /dev/null is among the devices; the cgroup allows everything */
    bool null_dev = false;
    for (size_t i = 0; i < c.linux->devices_len; i++)
        null_dev |= strcmp(c.linux->devices[i].path, "/dev/null") == 0 &&
                    c.linux->devices[i].major == 1 && c.linux->devices[i].minor == 3;
    cr_assert(null_dev);
    cr_assert_eq(c.linux->resources->devices_len, 1);
    cr_assert(c.linux->resources->devices[0].allow);
    cr_assert_str_eq(c.linux->resources->devices[0].access, "rwm");
    spec_release(&spec_type_oci_config, &c);
}

Test(options, device_with_path_and_permissions)
{
    struct oci_config c;
    process_config(&c);
    struct bundle_options o = {.devices = (char *[]){"/dev/null:/dev/mynull:rw", "/dev/zero:r"},
                               .devices_len = 2};
    keel_err err;
    cr_assert_eq(bundle_options_apply(&o, &c, &err), 0, "%s", err.msg);
    cr_assert_eq(c.linux->devices_len, 2);
    cr_assert_str_eq(c.linux->devices[0].path, "/dev/mynull");
    cr_assert_str_eq(c.linux->devices[0].type, "c");
    cr_assert_str_eq(c.linux->devices[1].path, "/dev/zero");
    cr_assert_str_eq(c.linux->resources->devices[0].access, "rw");
    cr_assert_eq(c.linux->resources->devices[0].major, 1);
    cr_assert_eq(c.linux->resources->devices[0].minor, 3);
    cr_assert_str_eq(c.linux->resources->devices[1].access, "r");
    spec_release(&spec_type_oci_config, &c);
    const char *bad[] = {"/etc/passwd", "/dev/null:/x:rwx", "relative", "/no/such/device"};
    for (size_t i = 0; i < 4; i++) {
        process_config(&c);
        o = (struct bundle_options){.devices = (char *[]){(char *)bad[i]}, .devices_len = 1};
        cr_assert_eq(bundle_options_apply(&o, &c, &err), -1, "%s", bad[i]);
        spec_release(&spec_type_oci_config, &c);
    }
}

Test(options, ulimits_shm_shares_init_and_namespaces)
{
    struct oci_config c;
    process_config(&c);
    struct bundle_options o = {
        .ulimits = (char *[]){"nofile=100:200", "core=-1", "nofile=300"}, .ulimits_len = 3,
        .shm_size = "1572864", .cpu_shares = "512", .init = "/usr/bin/tini-static",
        .pidns = "host", .ipcns = "/proc/1/ns/ipc", .no_new_privileges = true,
        .seccomp = "unconfined"};
    keel_err err;
    cr_assert_eq(bundle_options_apply(&o, &c, &err), 0, "%s", err.msg);
    struct oci_process *p = c.process;
    cr_assert_eq(p->rlimits_len, 2, "a second nofile replaces the first");
    cr_assert_str_eq(p->rlimits[0].type, "RLIMIT_CORE");
    cr_assert_eq(p->rlimits[0].soft, UINT64_MAX);
    cr_assert_str_eq(p->rlimits[1].type, "RLIMIT_NOFILE");
    cr_assert_eq(p->rlimits[1].soft, 300);
    cr_assert_eq(p->rlimits[1].hard, 300);
    cr_assert(has(c.mounts[1].options, c.mounts[1].options_len, "size=1572864"));
    cr_assert(!has(c.mounts[1].options, c.mounts[1].options_len, "size=67108864"));
    cr_assert_eq(c.linux->resources->cpu->shares, 512);
    cr_assert_eq(p->args_len, 3);
    cr_assert_str_eq(p->args[0], BUNDLE_INIT_PATH);
    cr_assert_str_eq(p->args[1], "--");
    cr_assert_str_eq(p->args[2], "app");
    cr_assert_str_eq(c.mounts[c.mounts_len - 1].destination, BUNDLE_INIT_PATH);
    cr_assert(has(c.mounts[c.mounts_len - 1].options, c.mounts[c.mounts_len - 1].options_len, "ro"));
    /* pid: the host's (no entry); ipc: the path given; network untouched */
    bool pid = false, ipc = false;
    for (size_t i = 0; i < c.linux->namespaces_len; i++) {
        pid |= strcmp(c.linux->namespaces[i].type, "pid") == 0;
        ipc |= strcmp(c.linux->namespaces[i].type, "ipc") == 0 &&
               strcmp(c.linux->namespaces[i].path, "/proc/1/ns/ipc") == 0;
    }
    cr_assert(!pid);
    cr_assert(ipc);
    cr_assert(p->noNewPrivileges && p->has_noNewPrivileges);
    cr_assert_null(c.linux->seccomp);
    spec_release(&spec_type_oci_config, &c);

    const struct bundle_options bad[] = {
        {.ulimits = (char *[]){"nofile=200:100"}, .ulimits_len = 1},
        {.ulimits = (char *[]){"bogus=1"}, .ulimits_len = 1},
        {.ulimits = (char *[]){"nofile"}, .ulimits_len = 1},
        {.ulimits = (char *[]){"nofile=1:"}, .ulimits_len = 1},
        {.shm_size = "0"}, {.cpu_shares = "x"}, {.init = "tini"}, {.pidns = "other"},
        {.seccomp = "/no/such/profile.json"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        process_config(&c);
        cr_assert_eq(bundle_options_apply(&bad[i], &c, &err), -1, "case %zu", i);
        spec_release(&spec_type_oci_config, &c);
    }
}
