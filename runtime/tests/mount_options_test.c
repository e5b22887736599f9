/* The mount option table, sysctl key handling and path comparison: no root needed. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/mount.h>

#include "mount_options.h"
#include "mounts.h"
#include "sysctl.h"

static struct mount_opts parse(char **opts, size_t n)
{
    struct mount_opts o;
    keel_err err = { 0 };
    cr_assert_eq(mount_opts_parse(opts, n, &o, &err), 0, "%s", err.msg);
    return o;
}

#define PARSE(...) ({ char *v_[] = { __VA_ARGS__ }; parse(v_, sizeof v_ / sizeof v_[0]); })

Test(mount_options, flags)
{
    struct mount_opts o = PARSE("nosuid", "noexec", "nodev", "ro", "strictatime");
    cr_assert_eq(o.flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY | MS_STRICTATIME);
    cr_assert_null(o.data);
    cr_assert_eq(o.npropagation, 0);
    mount_opts_release(&o);
}

Test(mount_options, later_option_wins)
{
    struct mount_opts o = PARSE("ro", "nosuid", "rw", "suid");
    cr_assert_eq(o.flags, 0);
    cr_assert_eq(o.cleared, MS_RDONLY | MS_NOSUID);
    mount_opts_release(&o);
    o = PARSE("rw", "ro");
    cr_assert_eq(o.flags, MS_RDONLY);
    cr_assert_eq(o.cleared, 0);
    mount_opts_release(&o);
}

Test(mount_options, unknown_go_to_data)
{
    struct mount_opts o = PARSE("nosuid", "mode=755", "defaults", "size=65536k", "newinstance");
    cr_assert_eq(o.flags, MS_NOSUID);
    cr_assert_str_eq(o.data, "mode=755,size=65536k,newinstance");
    mount_opts_release(&o);
}

Test(mount_options, bind_and_propagation)
{
    struct mount_opts o = PARSE("rbind", "rprivate", "slave");
    cr_assert_eq(o.flags, MS_BIND | MS_REC);
    cr_assert_eq(o.npropagation, 2);
    cr_assert_eq(o.propagation[0], MS_PRIVATE | MS_REC);
    cr_assert_eq(o.propagation[1], MS_SLAVE);
    mount_opts_release(&o);
    o = PARSE("bind", "runbindable", "shared", "rshared");
    cr_assert_eq(o.flags, MS_BIND);
    cr_assert_eq(o.propagation[0], MS_UNBINDABLE | MS_REC);
    cr_assert_eq(o.propagation[2], MS_SHARED | MS_REC);
    mount_opts_release(&o);
}

Test(mount_options, too_many_propagation_changes)
{
    char *v[] = { "private", "shared", "slave", "unbindable", "rprivate" };
    struct mount_opts o;
    keel_err err = { 0 };
    cr_assert_eq(mount_opts_parse(v, 5, &o, &err), -1);
    cr_assert(strstr(err.msg, "rprivate") != NULL, "%s", err.msg);
}

Test(mount_options, recursive_attributes)
{
    struct mount_opts o = PARSE("rro", "rnosuid", "rnoexec", "rdev", "rnoatime");
    cr_assert_eq(o.rec_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC |
                                MOUNT_ATTR_NOATIME);
    cr_assert_eq(o.rec_clr, MOUNT_ATTR_NODEV | MOUNT_ATTR__ATIME);
    cr_assert_eq(o.flags, 0);
    mount_opts_release(&o);
    o = PARSE("rro", "rrw", "rnoatime", "rrelatime");
    cr_assert_eq(o.rec_set, MOUNT_ATTR_RELATIME);
    cr_assert_eq(o.rec_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR__ATIME);
    mount_opts_release(&o);
}

Test(mount_options, add_data)
{
    keel_err err = { 0 };
    struct mount_opts o = PARSE("ro");
    cr_assert_eq(mount_opts_add_data(&o, "context=\"a:b:c\"", &err), 0);
    cr_assert_str_eq(o.data, "context=\"a:b:c\"");
    mount_opts_release(&o);
    o = PARSE("mode=755");
    cr_assert_eq(mount_opts_add_data(&o, "x=1", &err), 0);
    cr_assert_str_eq(o.data, "mode=755,x=1");
    mount_opts_release(&o);
}

Test(mount_options, idmap)
{
    struct mount_opts o = PARSE("idmap", "bind");
    cr_assert(o.idmap && !o.ridmap);
    cr_assert_null(o.data);
    mount_opts_release(&o);
}

Test(mount_options, attr_for_bind)
{
    uint64_t set, clr;
    struct mount_opts o = PARSE("ro", "nosuid", "noatime", "nodev");
    mount_opts_attr(&o, &set, &clr);
    cr_assert_eq(set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOATIME);
    cr_assert_eq(clr, MOUNT_ATTR__ATIME);
    mount_opts_release(&o);
    o = PARSE("rw", "suid", "exec");
    mount_opts_attr(&o, &set, &clr);
    cr_assert_eq(set, 0);
    cr_assert_eq(clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
    mount_opts_release(&o);
    o = PARSE("rbind", "rprivate", "mode=1");
    mount_opts_attr(&o, &set, &clr);
    cr_assert_eq(set | clr, 0, "binds without attributes need no mount_setattr");
    mount_opts_release(&o);
}

Test(mount_options, every_name_is_known)
{
    size_t n = 0;
    for (const char *const *p = rootfs_mount_option_names; *p != NULL; p++, n++) {
        char *one[] = { (char *)*p };
        struct mount_opts o = parse(one, 1);
        cr_assert_null(o.data, "%s went to the data string", *p);
        mount_opts_release(&o);
    }
    cr_assert_geq(n, 60);
}

Test(mount_options, propagation_names)
{
    cr_assert_eq(mount_propagation_flag("slave"), MS_SLAVE);
    cr_assert_eq(mount_propagation_flag("rprivate"), MS_PRIVATE | MS_REC);
    cr_assert_eq(mount_propagation_flag("unbindable"), MS_UNBINDABLE);
    cr_assert_eq(mount_propagation_flag("ro"), 0);
    cr_assert_eq(mount_propagation_flag("bogus"), 0);
}

Test(mount_paths, same)
{
    cr_assert(path_same("/dev", "/dev"));
    cr_assert(path_same("/dev/", "/dev"));
    cr_assert(path_same("//dev//", "/dev"));
    cr_assert_not(path_same("/dev/pts", "/dev"));
    cr_assert_not(path_same("/devx", "/dev"));
}

Test(sysctl, namespaces)
{
    cr_assert_str_eq(sysctl_namespace("net.ipv4.ip_forward"), "network");
    cr_assert_str_eq(sysctl_namespace("net/core/somaxconn"), "network");
    cr_assert_str_eq(sysctl_namespace("kernel.shmmax"), "ipc");
    cr_assert_str_eq(sysctl_namespace("fs.mqueue.queues_max"), "ipc");
    cr_assert_str_eq(sysctl_namespace("kernel.domainname"), "uts");
    cr_assert_null(sysctl_namespace("kernel.core_pattern"));
    cr_assert_null(sysctl_namespace("vm.overcommit_memory"));
    cr_assert_null(sysctl_namespace("kernel.shmmaxx"));
}

Test(sysctl, paths)
{
    char buf[128];
    keel_err err = { 0 };
    cr_assert_eq(sysctl_path("net.ipv4.ip_forward", buf, sizeof buf, &err), 0);
    cr_assert_str_eq(buf, "net/ipv4/ip_forward");
    cr_assert_eq(sysctl_path("net/ipv4/conf/eth0.100/rp_filter", buf, sizeof buf, &err), 0);
    cr_assert_str_eq(buf, "net/ipv4/conf/eth0.100/rp_filter");
    cr_assert_eq(sysctl_path("net/../../self/x", buf, sizeof buf, &err), -1);
    cr_assert_eq(sysctl_path("net..ipv4", buf, sizeof buf, &err), -1);
    cr_assert_eq(sysctl_path("", buf, sizeof buf, &err), -1);
}

Test(sysctl, hostname_refused)
{
    char *keys[] = {"kernel.hostname"}, *vals[] = {"x"};
    struct oci_namespace uts = {.type = "uts"};
    struct oci_linux l = {.sysctl_keys = keys, .sysctl = vals, .sysctl_len = 1,
                          .namespaces = &uts, .namespaces_len = 1};
    keel_err err = {0};
    cr_assert_eq(sysctl_check(&l, &err), -1);
    cr_assert_str_eq(err.msg, "linux.sysctl.kernel.hostname: not allowed, it conflicts with the hostname field");
    keys[0] = "kernel.domainname";
    cr_assert_eq(sysctl_check(&l, &err), 0, "%s", err.msg);
}
