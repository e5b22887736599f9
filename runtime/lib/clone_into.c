/* clone3 with CLONE_INTO_CGROUP (see clone_into.h). */
#include "clone_into.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define KEEL_CLONE_INTO_CGROUP 0x200000000ULL

/* clone3's arguments up to `cgroup` (Linux 5.7), as the kernel lays them out. */
struct keel_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
};

pid_t clone_into_cgroup(int flags, int cgroup_fd, bool *into)
{
    *into = false;
    if (cgroup_fd >= 0) {
        struct keel_clone_args args = {.flags = (uint64_t)(unsigned)flags | KEEL_CLONE_INTO_CGROUP,
                                       .exit_signal = SIGCHLD,
                                       .cgroup = (uint64_t)cgroup_fd};
        long pid = syscall(SYS_clone3, &args, sizeof args);
        if (pid >= 0) {
            *into = true;
            return (pid_t)pid;
        }
        /* an older kernel (no clone3, no CLONE_INTO_CGROUP): the usual way */
        if (errno != ENOSYS && errno != EINVAL && errno != E2BIG && errno != EOPNOTSUPP)
            return -1;
    }
    return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, NULL);
}
