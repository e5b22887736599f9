/* linux.memoryPolicy names to set_mempolicy values, and the policy applied
 * in a child as the kernel reports it back. */
#include <criterion/criterion.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mempolicy.h"

static int parse(const char *mode, const char *nodes, char **flags, size_t nflags, int *m,
                 cpu_set_t *set, keel_err *err)
{
    struct oci_memory_policy mp = {.mode = (char *)mode, .nodes = (char *)nodes, .flags = flags,
                                   .flags_len = nflags};
    return memory_policy_parse(&mp, m, set, err);
}

Test(mempolicy, mode_flags_and_nodes)
{
    char *flags[] = {"MPOL_F_STATIC_NODES", "MPOL_F_NUMA_BALANCING"};
    int m;
    cpu_set_t set;
    keel_err err;
    cr_assert_eq(parse("MPOL_INTERLEAVE", "0-2,5", flags, 2, &m, &set, &err), 0);
    cr_assert_eq(m, 3 | (1 << 15) | (1 << 13));
    cr_assert_eq(CPU_COUNT(&set), 4);
    cr_assert(CPU_ISSET(0, &set) && CPU_ISSET(2, &set) && CPU_ISSET(5, &set));
    cr_assert_eq(parse("MPOL_WEIGHTED_INTERLEAVE", "1", NULL, 0, &m, &set, &err), 0);
    cr_assert_eq(m, 6);
    cr_assert_eq(parse("MPOL_LOCAL", NULL, NULL, 0, &m, &set, &err), 0);
    cr_assert_eq(m, 4);
    cr_assert_eq(CPU_COUNT(&set), 0);
}

Test(mempolicy, errors_name_the_field)
{
    char *bad[] = {"MPOL_F_NOPE"};
    int m;
    cpu_set_t set;
    keel_err err;
    cr_assert_lt(parse("MPOL_NOPE", "0", NULL, 0, &m, &set, &err), 0);
    cr_assert_str_eq(err.msg, "linux.memoryPolicy.mode: unknown mode MPOL_NOPE");
    cr_assert_lt(parse("MPOL_BIND", "0", bad, 1, &m, &set, &err), 0);
    cr_assert_str_eq(err.msg, "linux.memoryPolicy.flags[0]: unknown flag MPOL_F_NOPE");
    cr_assert_lt(parse("MPOL_BIND", "3-1", NULL, 0, &m, &set, &err), 0);
    cr_assert_str_eq(err.msg, "linux.memoryPolicy.nodes: invalid node list 3-1");
}

/* The kernel's own view of the policy set in a child: get_mempolicy. */
Test(mempolicy, applied_as_the_kernel_reports)
{
    if (access("/proc/self/numa_maps", F_OK) != 0)
        cr_skip_test("no NUMA support in this kernel");
    pid_t pid = fork();
    if (pid == 0) {
        struct oci_memory_policy mp = {.mode = "MPOL_BIND", .nodes = "0"};
        struct oci_linux lx = {.memoryPolicy = &mp};
        struct oci_config cfg = {.linux = &lx};
        keel_err err;
        int mode = -1;
        unsigned long mask[16] = {0};
        if (memory_policy_apply(&cfg, &err) < 0 ||
            syscall(SYS_get_mempolicy, &mode, mask, 16 * 64UL, NULL, 0UL) < 0)
            _exit(2);
        _exit(mode == 2 && mask[0] == 1 ? 0 : 1);
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
}
