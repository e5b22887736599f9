/* `keel features` (features.md, features-linux.md): what this build of keel
 * supports. The seccomp part is filled by its module; what keel does not do
 * (AppArmor and SELinux labels, Intel RDT, checkpoint) says so. */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

#include "capabilities.h"
#include "container.h"
#include "keel/runtime_spec.h"
#include "mempolicy.h"
#include "namespaces.h"
#include "rootfs.h"
#include "seccomp_filter.h"
#include "util.h"

static char *hook_names[] = {"prestart", "createRuntime", "createContainer", "startContainer",
                             "poststart", "poststop"};

static size_t strv_len(const char *const *v)
{
    size_t n = 0;
    while (v[n] != NULL)
        n++;
    return n;
}

int features_print(FILE *out, keel_err *err)
{
    cleanup_strv char **caps = caps_all_names(err);
    if (caps == NULL)
        return -1;
    struct oci_feature_enabled off = {.enabled = false, .has_enabled = true};
    struct oci_features_cgroup cgroup = {.v1 = true, .has_v1 = true, .v2 = true, .has_v2 = true,
                                         .systemd = false, .has_systemd = true,
                                         .systemdUser = false, .has_systemdUser = true,
                                         .rdma = true, .has_rdma = true};
    struct oci_features_seccomp seccomp;
    if (keel_seccomp_features(&seccomp, err) < 0)
        return -1;
    struct oci_feature_enabled on = {.enabled = true, .has_enabled = true};
    struct oci_features_intel_rdt rdt = {.enabled = false, .has_enabled = true};
    struct oci_features_mount_ext mount_ext = {.idmap = &on};
    struct oci_features_memory_policy mempolicy = {
        .modes = (char **)memory_policy_mode_names,
        .modes_len = strv_len(memory_policy_mode_names),
        .flags = (char **)memory_policy_flag_names,
        .flags_len = strv_len(memory_policy_flag_names),
    };
    struct oci_features_linux lx = {
        .namespaces = (char **)ns_type_names, .namespaces_len = strv_len(ns_type_names),
        .capabilities = caps, .capabilities_len = strv_len((const char *const *)caps),
        .cgroup = &cgroup,
        .seccomp = &seccomp,
        .apparmor = &off,
        .selinux = &off,
        .intelRdt = &rdt,
        .mountExtensions = &mount_ext,
        .netDevices = &on,
        .memoryPolicy = &mempolicy,
    };
    /* runc's annotation for the libseccomp keel is linked with */
    const struct scmp_version *v = seccomp_version();
    char libseccomp[32];
    snprintf(libseccomp, sizeof libseccomp, "%u.%u.%u", v->major, v->minor, v->micro);
    char *annotation_keys[] = {"io.github.seccomp.libseccomp.version"};
    char *annotation_values[] = {libseccomp};
    struct oci_features f = {
        .ociVersionMin = "1.0.0",
        .ociVersionMax = "1.3.0",
        .hooks = hook_names, .hooks_len = sizeof hook_names / sizeof hook_names[0],
        .mountOptions = (char **)rootfs_mount_option_names,
        .mountOptions_len = strv_len(rootfs_mount_option_names),
        .annotations_keys = annotation_keys,
        .annotations = annotation_values,
        .annotations_len = 1,
        .linux = &lx,
    };
    cleanup_free char *json = spec_generate(&spec_type_oci_features, &f, true, NULL, err);
    spec_release(&spec_type_oci_features_seccomp, &seccomp);
    if (json == NULL)
        return -1;
    fprintf(out, "%s\n", json);
    return 0;
}
