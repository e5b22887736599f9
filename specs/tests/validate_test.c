/* oci_config_validate(): one case per rule of config.md and config-linux.md,
 * each with the exact error it must give. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "keel/runtime_spec.h"

/* Inline arrays, not pointers: criterion runs each case in a fresh process
 * where the parent's string addresses mean nothing. */
struct rule_case {
    char doc[640];
    char error[192];
};

/* A valid minimal document with `extra` members appended. */
#define DOC(extra) "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"}" extra "}"
#define PROC(extra) DOC(",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"" extra "}")
#define LINUX(extra) DOC(",\"linux\":{" extra "}")
#define RES(extra) LINUX("\"resources\":{" extra "}")
#define SECCOMP(extra) LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"" extra "}")

static struct rule_case rule_cases[] = {
    { "{\"root\":{\"path\":\"r\"}}", "config.json: ociVersion: required" },
    { "{\"ociVersion\":\"1.0\",\"root\":{\"path\":\"r\"}}",
      "config.json: ociVersion: \"1.0\" is not a SemVer version" },
    { "{\"ociVersion\":\"01.0.0\",\"root\":{\"path\":\"r\"}}",
      "config.json: ociVersion: \"01.0.0\" is not a SemVer version" },
    { "{\"ociVersion\":\"1.0.0-\",\"root\":{\"path\":\"r\"}}",
      "config.json: ociVersion: \"1.0.0-\" is not a SemVer version" },
    { "{\"ociVersion\":\"1.0.0\"}", "config.json: root: required" },
    { "{\"ociVersion\":\"1.0.0\",\"root\":{\"readonly\":true}}", "config.json: root.path: required" },
    { DOC(",\"process\":{\"cwd\":\"/\"}"), "config.json: process.args: at least one entry is required" },
    { DOC(",\"process\":{\"args\":[],\"cwd\":\"/\"}"),
      "config.json: process.args: at least one entry is required" },
    { DOC(",\"process\":{\"args\":[\"sh\"]}"), "config.json: process.cwd: required" },
    { DOC(",\"process\":{\"args\":[\"sh\"],\"cwd\":\"tmp\"}"),
      "config.json: process.cwd: \"tmp\" is not an absolute path" },
    { PROC(",\"consoleSize\":{\"height\":1}"), "config.json: process.consoleSize.width: required" },
    { PROC(",\"user\":{\"gid\":0}"), "config.json: process.user.uid: required" },
    { PROC(",\"user\":{\"uid\":0}"), "config.json: process.user.gid: required" },
    { PROC(",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":2},{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":2}]"),
      "config.json: process.rlimits[1].type: unknown rlimit type \"RLIMIT_FOO\"" },
    { PROC(",\"rlimits\":[{\"soft\":1,\"hard\":2}]"), "config.json: process.rlimits[0].type: required" },
    { PROC(",\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":2}]"),
      "config.json: process.rlimits[0].soft: required" },
    { PROC(",\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":2}]"),
      "config.json: process.rlimits[0].hard: required" },
    { PROC(",\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":2},{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":2}]"),
      "config.json: process.rlimits[1].type: \"RLIMIT_CORE\" repeats process.rlimits[0]" },
    { PROC(",\"ioPriority\":{\"priority\":1}"), "config.json: process.ioPriority.class: required" },
    { PROC(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_NONE\",\"priority\":1}"),
      "config.json: process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\"" },
    { PROC(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\"}"),
      "config.json: process.ioPriority.priority: required" },
    { PROC(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":8}"),
      "config.json: process.ioPriority.priority: 8 is outside 0..7" },
    { PROC(",\"scheduler\":{\"nice\":1}"), "config.json: process.scheduler.policy: required" },
    { PROC(",\"scheduler\":{\"policy\":\"SCHED_FAST\"}"),
      "config.json: process.scheduler.policy: unknown scheduler policy \"SCHED_FAST\"" },
    { PROC(",\"scheduler\":{\"policy\":\"SCHED_RR\",\"flags\":[\"SCHED_FLAG_RECLAIM\",\"SCHED_FLAG_X\"]}"),
      "config.json: process.scheduler.flags[1]: unknown scheduler flag \"SCHED_FLAG_X\"" },
    { PROC(",\"execCPUAffinity\":{\"initial\":\"0-3\",\"final\":\"0;1\"}"),
      "config.json: process.execCPUAffinity.final: \"0;1\" is not a CPU list" },
    { DOC(",\"mounts\":[{\"destination\":\"/proc\"},{\"source\":\"tmpfs\"}]"),
      "config.json: mounts[1].destination: required" },
    { DOC(",\"mounts\":[{\"destination\":\"/m\",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}]"),
      "config.json: mounts[0].uidMappings: must be given together with gidMappings" },
    { DOC(",\"mounts\":[{\"destination\":\"/m\",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],"
          "\"gidMappings\":[{\"containerID\":0,\"size\":1}]}]"),
      "config.json: mounts[0].gidMappings[0].hostID: required" },
    { DOC(",\"hooks\":{\"poststart\":[{\"path\":\"/bin/true\"},{\"args\":[\"x\"]}]}"),
      "config.json: hooks.poststart[1].path: required" },
    { DOC(",\"hooks\":{\"createRuntime\":[{\"path\":\"bin/true\"}]}"),
      "config.json: hooks.createRuntime[0].path: \"bin/true\" is not an absolute path" },
    { DOC(",\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\",\"timeout\":0}]}"),
      "config.json: hooks.prestart[0].timeout: 0 is not greater than zero" },
    { LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"foo\"}]"),
      "config.json: linux.namespaces[2].type: unknown namespace type \"foo\"" },
    { LINUX("\"namespaces\":[{\"path\":\"/proc/1/ns/pid\"}]"),
      "config.json: linux.namespaces[0].type: required" },
    { LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]"),
      "config.json: linux.namespaces[1].type: namespace type \"pid\" repeats linux.namespaces[0]" },
    { LINUX("\"namespaces\":[{\"type\":\"net\"}]"),
      "config.json: linux.namespaces[0].type: unknown namespace type \"net\"" },
    { LINUX("\"namespaces\":[{\"type\":\"network\",\"path\":\"run/netns/x\"}]"),
      "config.json: linux.namespaces[0].path: \"run/netns/x\" is not an absolute path" },
    { LINUX("\"uidMappings\":[{\"hostID\":1000,\"size\":1}]"),
      "config.json: linux.uidMappings[0].containerID: required" },
    { LINUX("\"gidMappings\":[{\"containerID\":0,\"hostID\":1000}]"),
      "config.json: linux.gidMappings[0].size: required" },
    { LINUX("\"timeOffsets\":{\"monotonic\":{\"secs\":1},\"realtime\":{\"secs\":1}}"),
      "config.json: linux.timeOffsets[\"realtime\"]: unknown clock \"realtime\"" },
    { LINUX("\"devices\":[{\"type\":\"x\",\"path\":\"/dev/x\",\"major\":1,\"minor\":1}]"),
      "config.json: linux.devices[0].type: unknown device type \"x\"" },
    { LINUX("\"devices\":[{\"type\":\"cc\",\"path\":\"/dev/x\",\"major\":1,\"minor\":1}]"),
      "config.json: linux.devices[0].type: unknown device type \"cc\"" },
    { LINUX("\"devices\":[{\"path\":\"/dev/x\"}]"), "config.json: linux.devices[0].type: required" },
    { LINUX("\"devices\":[{\"type\":\"c\",\"major\":1,\"minor\":3}]"),
      "config.json: linux.devices[0].path: required" },
    { LINUX("\"devices\":[{\"type\":\"c\",\"path\":\"/dev/null\",\"minor\":3}]"),
      "config.json: linux.devices[0].major: required" },
    { LINUX("\"devices\":[{\"type\":\"c\",\"path\":\"/dev/null\",\"major\":1,\"minor\":3,\"fileMode\":65536}]"),
      "config.json: linux.devices[0].fileMode: 65536 is above the maximum 65535" },
    { LINUX("\"rootfsPropagation\":\"rmaster\""),
      "config.json: linux.rootfsPropagation: unknown rootfs propagation \"rmaster\"" },
    { LINUX("\"maskedPaths\":[\"/proc/kcore\",\"proc/acpi\"]"),
      "config.json: linux.maskedPaths[1]: \"proc/acpi\" is not an absolute path" },
    { LINUX("\"readonlyPaths\":[\"sys\"]"),
      "config.json: linux.readonlyPaths[0]: \"sys\" is not an absolute path" },
    { RES("\"devices\":[{\"access\":\"rwm\"}]"), "config.json: linux.resources.devices[0].allow: required" },
    { RES("\"devices\":[{\"allow\":false,\"type\":\"p\"}]"),
      "config.json: linux.resources.devices[0].type: unknown device type \"p\"" },
    { RES("\"devices\":[{\"allow\":false,\"access\":\"rwx\"}]"),
      "config.json: linux.resources.devices[0].access: \"rwx\" is not a combination of r, w and m" },
    { RES("\"pids\":{}"), "config.json: linux.resources.pids.limit: required" },
    { RES("\"blockIO\":{\"weight\":65536}"),
      "config.json: linux.resources.blockIO.weight: 65536 is above the maximum 65535" },
    { RES("\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0}]}"),
      "config.json: linux.resources.blockIO.weightDevice[0]: at least one of weight and leafWeight is required" },
    { RES("\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"rate\":1}]}"),
      "config.json: linux.resources.blockIO.throttleReadBpsDevice[0].minor: required" },
    { RES("\"blockIO\":{\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0}]}"),
      "config.json: linux.resources.blockIO.throttleWriteIOPSDevice[0].rate: required" },
    { RES("\"hugepageLimits\":[{\"pageSize\":\"2M\",\"limit\":1}]"),
      "config.json: linux.resources.hugepageLimits[0].pageSize: \"2M\" is not a page size like 2MB" },
    { RES("\"hugepageLimits\":[{\"pageSize\":\"2MB\"}]"),
      "config.json: linux.resources.hugepageLimits[0].limit: required" },
    { RES("\"network\":{\"priorities\":[{\"name\":\"eth0\"}]}"),
      "config.json: linux.resources.network.priorities[0].priority: required" },
    { RES("\"rdma\":{\"mlx5_1\":{}}"),
      "config.json: linux.resources.rdma[\"mlx5_1\"]: at least one of hcaHandles and hcaObjects is required" },
    { LINUX("\"seccomp\":{\"architectures\":[\"SCMP_ARCH_X86\"]}"),
      "config.json: linux.seccomp.defaultAction: required" },
    { LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_DENY\"}"),
      "config.json: linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_DENY\"" },
    { SECCOMP(",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_Z80\"]"),
      "config.json: linux.seccomp.architectures[1]: unknown seccomp architecture \"SCMP_ARCH_Z80\"" },
    { SECCOMP(",\"flags\":[\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]"),
      "config.json: linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\"" },
    { SECCOMP(",\"listenerMetadata\":\"x\""),
      "config.json: linux.seccomp.listenerMetadata: set without listenerPath" },
    { SECCOMP(",\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ERRNO\"}]"),
      "config.json: linux.seccomp.syscalls[0].names: at least one entry is required" },
    { SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_EPERM\"}]"),
      "config.json: linux.seccomp.syscalls[0].action: unknown seccomp action \"SCMP_ACT_EPERM\"" },
    { SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_XOR\"}]}]"),
      "config.json: linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XOR\"" },
    { SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"op\":\"SCMP_CMP_EQ\"}]}]"),
      "config.json: linux.seccomp.syscalls[0].args[0].value: required" },
    { LINUX("\"intelRdt\":{\"memBwSchema\":\"L3:0=ff\"}"),
      "config.json: linux.intelRdt.memBwSchema: must start with \"MB:\"" },
    { LINUX("\"intelRdt\":{\"schemata\":[\"L3:0=ff\\nMB:0=20\"]}"),
      "config.json: linux.intelRdt.schemata[0]: must not contain a newline" },
    { LINUX("\"personality\":{\"flags\":[]}"), "config.json: linux.personality.domain: required" },
    { LINUX("\"personality\":{\"domain\":\"LINUX64\"}"),
      "config.json: linux.personality.domain: unknown personality domain \"LINUX64\"" },
    { LINUX("\"memoryPolicy\":{\"nodes\":\"0\"}"), "config.json: linux.memoryPolicy.mode: required" },
    { LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_RANDOM\"}"),
      "config.json: linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_RANDOM\"" },
    { LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_X\"]}"),
      "config.json: linux.memoryPolicy.flags[0]: unknown memory policy flag \"MPOL_F_X\"" },
    { LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0-x\"}"),
      "config.json: linux.memoryPolicy.nodes: \"0-x\" is not a node list" },
    { LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_INTERLEAVE\"}"),
      "config.json: linux.memoryPolicy.nodes: MPOL_INTERLEAVE needs at least one node" },
    { LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_LOCAL\",\"nodes\":\"0\"}"),
      "config.json: linux.memoryPolicy.nodes: MPOL_LOCAL takes no nodes" },
    { LINUX("\"netDevices\":{\"eth1\":{}}"), "config.json: linux.netDevices: needs a network namespace" },
    { "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/m\","
      "\"type\":\"bind\",\"source\":\"/s\",\"options\":[\"rbind\",\"ridmap\"]}]}",
      "config.json: mounts[0].options[1]: ridmap without uidMappings/gidMappings needs a user namespace" },
    { LINUX("\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"eth1\":{\"name\":\"a/b\"}}"),
      "config.json: linux.netDevices[\"eth1\"].name: \"a/b\" is not a valid interface name" },
    { LINUX("\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"0123456789abcdef\":{}}"),
      "config.json: linux.netDevices[\"0123456789abcdef\"]: \"0123456789abcdef\" is not 1 to 15 bytes long" },
};

ParameterizedTestParameters(validate, rule)
{
    return cr_make_param_array(struct rule_case, rule_cases, sizeof rule_cases / sizeof rule_cases[0]);
}

ParameterizedTest(struct rule_case *tc, validate, rule)
{
    struct oci_config c;
    keel_err err = {0};
    cr_assert_eq(spec_parse(&spec_type_oci_config, tc->doc, strlen(tc->doc), "config.json", &c, &err),
                 0, "%s", err.msg);
    cr_expect_eq(oci_config_validate(&c, "config.json", &err), -1, "no error for %s", tc->doc);
    cr_expect_str_eq(err.msg, tc->error, "for %s", tc->doc);
    spec_release(&spec_type_oci_config, &c);
}

/* What the rules allow must still pass: runc spec's default and a document
 * touching every validated field with good values. */
Test(validate, accepts_good_documents)
{
    static const char *const good[] = {
        LINUX("\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"eth1\":{},\"eth2\":{\"name\":\"ct%d\"}},"
              "\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0-1,3\"}"),
        "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/m\","
        "\"type\":\"tmpfs\",\"options\":[\"idmap\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],"
        "\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}]}",
        LINUX("\"memoryPolicy\":{\"mode\":\"MPOL_PREFERRED\"}"),
        PROC(",\"user\":{\"uid\":0,\"gid\":0},\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":2}],"
             "\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\",\"priority\":0},"
             "\"scheduler\":{\"policy\":\"SCHED_DEADLINE\",\"flags\":[\"SCHED_FLAG_RECLAIM\"]},"
             "\"execCPUAffinity\":{\"initial\":\"0-3, 7\"}"),
        "{\"ociVersion\":\"1.0.2-dev+build.5\",\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"proc\"}]}",
        LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"time\"},{\"type\":\"network\",\"path\":\"/run/netns/x\"}],"
              "\"timeOffsets\":{\"boottime\":{\"secs\":1},\"monotonic\":{\"nanosecs\":2}},"
              "\"devices\":[{\"type\":\"p\",\"path\":\"/dev/fifo\",\"fileMode\":511},"
              "{\"type\":\"c\",\"path\":\"/dev/fuse\",\"major\":10,\"minor\":229,\"fileMode\":8576}],"
              "\"rootfsPropagation\":\"unbindable\","
              "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\"}],"
              "\"blockIO\":{\"weight\":65535,\"weightDevice\":[{\"major\":8,\"minor\":0,\"leafWeight\":10}]},"
              "\"hugepageLimits\":[{\"pageSize\":\"1GB\",\"limit\":0}],\"rdma\":{\"m\":{\"hcaObjects\":1}}},"
              "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/run/s\",\"listenerMetadata\":\"m\"},"
              "\"intelRdt\":{\"memBwSchema\":\"MB:0=20\"},\"personality\":{\"domain\":\"LINUX32\"},"
              "\"memoryPolicy\":{\"mode\":\"MPOL_LOCAL\",\"flags\":[\"MPOL_F_STATIC_NODES\"]}"),
        LINUX("\"rootfsPropagation\":\"rslave\""),
        LINUX("\"rootfsPropagation\":\"rprivate\""),
        LINUX("\"rootfsPropagation\":\"rshared\""),
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct oci_config c;
        keel_err err = {0};
        cr_assert_eq(spec_parse(&spec_type_oci_config, good[i], strlen(good[i]), "config.json", &c, &err),
                     0, "%s", err.msg);
        cr_expect_eq(oci_config_validate(&c, "config.json", &err), 0, "%s", err.msg);
        spec_release(&spec_type_oci_config, &c);
    }
    struct oci_config c;
    keel_err err = {0};
    cr_assert_eq(spec_parse_file(&spec_type_oci_config, "data/runc-spec-config.json", &c, &err), 0,
                 "%s", err.msg);
    cr_expect_eq(oci_config_validate(&c, "config.json", &err), 0, "%s", err.msg);
    spec_release(&spec_type_oci_config, &c);
}
