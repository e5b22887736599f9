/* Image config -> runtime config, and Config.User resolution through a
 * rootfs' /etc/passwd and /etc/group. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imageconfig_to_spec.h"
#include "layer_path.h"
#include "passwd.h"

static char rootdir[128];
static int rootfd = -1;

static void put(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", rootdir, rel);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static void make_rootfs(void)
{
    snprintf(rootdir, sizeof rootdir, "/tmp/keel-bundle-config-test-XXXXXX");
    cr_assert_not_null(mkdtemp(rootdir));
    char etc[256];
    snprintf(etc, sizeof etc, "%s/etc", rootdir);
    mkdir(etc, 0755);
    put("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                      "# a comment line\n"
                      "alice:x:1000:1001:Alice:/home/alice:/bin/sh\n"
                      "bob:x:1002:1002::/:/bin/false\n");
    put("etc/group", "root:x:0:\n"
                     "alice:x:1001:\n"
                     "staff:x:50:alice,bob\n"
                     "wheel:x:10:alice\n");
    rootfd = open(rootdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void remove_rootfs(void)
{
    keel_err err;
    close(rootfd);
    remove_tree_at(AT_FDCWD, rootdir, &err);
}

TestSuite(user, .init = make_rootfs, .fini = remove_rootfs);
TestSuite(convert, .init = make_rootfs, .fini = remove_rootfs);

static struct oci_user resolve_ok(const char *spec, char **home)
{
    struct oci_user u = {0};
    keel_err err;
    cr_assert_eq(user_resolve(rootfd, spec, &u, home, &err), 0, "%s: %s", spec, err.msg);
    return u;
}

Test(user, name_gives_ids_and_groups)
{
    char *home = NULL;
    struct oci_user u = resolve_ok("alice", &home);
    cr_assert_eq(u.uid, 1000);
    cr_assert_eq(u.gid, 1001);
    cr_assert_eq(u.additionalGids_len, 2);
    cr_assert_eq(u.additionalGids[0], 50);
    cr_assert_eq(u.additionalGids[1], 10);
    cr_assert_str_eq(home, "/home/alice");
    free(home);
    spec_release(&spec_type_oci_user, &u);
}

Test(user, numeric_user_is_verbatim)
{
    char *home = NULL;
    struct oci_user u = resolve_ok("4242", &home);
    cr_assert_eq(u.uid, 4242);
    cr_assert_eq(u.gid, 0);
    cr_assert_eq(u.additionalGids_len, 0);
    free(home);
    spec_release(&spec_type_oci_user, &u);

    u = resolve_ok("1000", &home);
    cr_assert_eq(u.gid, 1001, "a known uid takes its passwd gid");
    cr_assert_eq(u.additionalGids_len, 0, "no supplementary groups for a numeric user");
    free(home);
    spec_release(&spec_type_oci_user, &u);
}

Test(user, group_by_name_or_id)
{
    char *home = NULL;
    struct oci_user u = resolve_ok("alice:staff", &home);
    cr_assert_eq(u.uid, 1000);
    cr_assert_eq(u.gid, 50);
    cr_assert_eq(u.additionalGids_len, 0, "an explicit group leaves additionalGids alone");
    free(home);
    spec_release(&spec_type_oci_user, &u);

    u = resolve_ok("7:8", &home);
    cr_assert_eq(u.uid, 7);
    cr_assert_eq(u.gid, 8);
    free(home);
    spec_release(&spec_type_oci_user, &u);
}

Test(user, default_is_root)
{
    char *home = NULL;
    struct oci_user u = resolve_ok("", &home);
    cr_assert_eq(u.uid, 0);
    cr_assert_eq(u.gid, 0);
    cr_assert_str_eq(home, "/root");
    free(home);
    spec_release(&spec_type_oci_user, &u);
}

Test(user, unknown_names_are_errors)
{
    struct oci_user u = {0};
    char *home = NULL;
    keel_err err;
    cr_assert_eq(user_resolve(rootfd, "mallory", &u, &home, &err), -1);
    cr_assert(strstr(err.msg, "mallory") != NULL, "%s", err.msg);
    spec_release(&spec_type_oci_user, &u);
    memset(&u, 0, sizeof u);
    cr_assert_eq(user_resolve(rootfd, "alice:nogroup", &u, &home, &err), -1);
    cr_assert(strstr(err.msg, "nogroup") != NULL, "%s", err.msg);
    spec_release(&spec_type_oci_user, &u);
}

Test(user, passwd_symlink_stays_inside)
{
    /* /etc/passwd -> /etc/shadow-like absolute link: resolved in the rootfs */
    char path[256];
    snprintf(path, sizeof path, "%s/etc/passwd", rootdir);
    unlink(path);
    cr_assert_eq(symlink("/etc/real-passwd", path), 0);
    put("etc/real-passwd", "carol:x:77:77::/c:/bin/sh\n");
    char *home = NULL;
    struct oci_user u = resolve_ok("carol", &home);
    cr_assert_eq(u.uid, 77);
    free(home);
    spec_release(&spec_type_oci_user, &u);
}

static bool has(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

Test(convert, image_config_to_runtime_config)
{
    char *entry[] = {"/entry", "--flag"};
    char *cmd[] = {"serve"};
    char *env[] = {"FOO=bar", "PATH=/custom"};
    char *ports[] = {"80/tcp", "53/udp"};
    char *label_keys[] = {"org.opencontainers.image.os", "team"};
    char *labels[] = {"from-label", "core"};
    struct oci_image_exec_config ec = {
        .User = "alice", .Entrypoint = entry, .Entrypoint_len = 2, .Cmd = cmd, .Cmd_len = 1,
        .Env = env, .Env_len = 2, .WorkingDir = "/srv", .StopSignal = "SIGQUIT",
        .ExposedPorts = ports, .ExposedPorts_len = 2,
        .Labels_keys = label_keys, .Labels = labels, .Labels_len = 2,
    };
    struct oci_image_config img = {.os = "linux", .architecture = "amd64",
                                   .created = "2024-01-01T00:00:00Z", .config = &ec};
    struct oci_config c;
    keel_err err;
    cr_assert_eq(imageconfig_to_spec(&img, NULL, rootfd, &c, &err), 0, "%s", err.msg);

    struct oci_process *p = c.process;
    cr_assert_eq(p->args_len, 3);
    cr_assert_str_eq(p->args[0], "/entry");
    cr_assert_str_eq(p->args[2], "serve");
    cr_assert_str_eq(p->cwd, "/srv");
    cr_assert(p->has_terminal && !p->terminal);
    cr_assert(has(p->env, p->env_len, "FOO=bar"));
    cr_assert(has(p->env, p->env_len, "PATH=/custom"), "the image's PATH is kept");
    cr_assert(!has(p->env, p->env_len,
                   "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    cr_assert(has(p->env, p->env_len, "HOME=/home/alice"));
    cr_assert_eq(p->user->uid, 1000);
    cr_assert_eq(p->user->additionalGids_len, 2);
    cr_assert(has(p->capabilities->bounding, p->capabilities->bounding_len, "CAP_NET_BIND_SERVICE"));
    cr_assert(!has(p->capabilities->bounding, p->capabilities->bounding_len, "CAP_SYS_ADMIN"));

    const char *a;
#define ANN(k) spec_map_get(c.annotations_keys, c.annotations, c.annotations_len, k)
    cr_assert_str_eq(ANN("org.opencontainers.image.stopSignal"), "SIGQUIT");
    cr_assert_str_eq(ANN("org.opencontainers.image.exposedPorts"), "80/tcp,53/udp");
    cr_assert_str_eq(ANN("io.keel.image.entrypoint-args"), "2", "the first two args are the Entrypoint");
    cr_assert_str_eq(ANN("org.opencontainers.image.architecture"), "amd64");
    cr_assert_str_eq(ANN("org.opencontainers.image.created"), "2024-01-01T00:00:00Z");
    a = ANN("org.opencontainers.image.os");
    cr_assert_str_eq(a, "from-label", "Labels take precedence");
    cr_assert_str_eq(ANN("team"), "core");
#undef ANN

    cr_assert_str_eq(c.root->path, "rootfs");
    cr_assert_eq(c.linux->namespaces_len, 5);
    cr_assert(has(c.linux->maskedPaths, c.linux->maskedPaths_len, "/proc/kcore"));
    cr_assert(has(c.linux->readonlyPaths, c.linux->readonlyPaths_len, "/proc/sys"));
    bool proc = false;
    for (size_t i = 0; i < c.mounts_len; i++)
        proc |= strcmp(c.mounts[i].destination, "/proc") == 0;
    cr_assert(proc);
    cr_assert_eq(oci_config_validate(&c, "generated", &err), 0, "%s", err.msg);

    size_t len;
    char *json = spec_generate(&spec_type_oci_config, &c, false, &len, &err);
    cr_assert_not_null(json, "%s", err.msg);
    free(json);
    spec_release(&spec_type_oci_config, &c);
}

Test(convert, defaults_and_errors)
{
    char *cmd[] = {"sh"};
    struct oci_image_exec_config ec = {.Cmd = cmd, .Cmd_len = 1};
    struct oci_image_config img = {.config = &ec};
    struct oci_config c;
    keel_err err;
    cr_assert_eq(imageconfig_to_spec(&img, NULL, rootfd, &c, &err), 0, "%s", err.msg);
    cr_assert_str_eq(c.process->cwd, "/");
    cr_assert_eq(c.process->user->uid, 0);
    cr_assert(has(c.process->env, c.process->env_len,
                  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    spec_release(&spec_type_oci_config, &c);

    struct oci_image_exec_config none = {0};
    img.config = &none;
    cr_assert_eq(imageconfig_to_spec(&img, NULL, rootfd, &c, &err), -1);
    cr_assert(strstr(err.msg, "Entrypoint") != NULL, "%s", err.msg);

    ec.User = "nobody-here";
    img.config = &ec;
    cr_assert_eq(imageconfig_to_spec(&img, NULL, rootfd, &c, &err), -1);
    cr_assert(strstr(err.msg, "nobody-here") != NULL, "%s", err.msg);
}

Test(user, a_fifo_for_passwd_is_an_error_not_a_hang, .timeout = 5)
{
    char path[256];
    snprintf(path, sizeof path, "%s/etc/passwd", rootdir);
    unlink(path);
    cr_assert_eq(mkfifo(path, 0644), 0);
    struct oci_user u = {0};
    char *home = NULL;
    keel_err err;
    cr_assert_eq(user_resolve(rootfd, "alice", &u, &home, &err), -1);
    cr_assert(strstr(err.msg, "regular file") != NULL, "%s", err.msg);
    spec_release(&spec_type_oci_user, &u);
}
