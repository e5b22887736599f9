/* keel's entry point in its static x86-64 build (-Wl,-e,keel_entry): the
 * re-exec from a read-only view of the binary (exe_seal.h) done before the C
 * library starts, so that a create, run or exec pays for one C library start
 * instead of two. glibc's start-up queries the CPU's caches with dozens of
 * cpuid instructions, each a trap to the hypervisor in a VM: about 0.2 ms of
 * every start here.
 *
 * This code runs before glibc has relocated the binary or set up TLS: so it
 * calls no library function, makes its syscalls itself, has no stack
 * protector (the canary lives in TLS), and uses no data that would need a
 * relocation (no pointer tables, no extern symbols). It only ever speeds
 * things up: whenever it does not re-exec (no command that starts container
 * processes in argv, keel already read-only, a kernel without open_tree), the
 * program starts as usual and main's exe_ensure_sealed does what is needed.
 * A word in argv that only looks like such a command (`keel state run`) costs
 * a needless re-exec, never a missing one. */
#if defined(__x86_64__)

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#define EARLY_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#define EARLY_ST_RDONLY 1 /* statfs f_flags */

static long early_syscall(long n, long a, long b, long c, long d, long e)
{
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}

static int early_streq(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b)
        a++, b++;
    return *a == *b;
}

/* create, run or exec somewhere in argv (see above). */
static int early_wants_seal(char **argv)
{
    for (int i = 1; argv[i] != 0; i++)
        if (early_streq(argv[i], "create") || early_streq(argv[i], "run") ||
            early_streq(argv[i], "exec"))
            return 1;
    return 0;
}

static int early_exe_read_only(void)
{
    long fd = early_syscall(SYS_open, (long)"/proc/self/exe", O_RDONLY | O_CLOEXEC, 0, 0, 0);
    if (fd < 0)
        return 0;
    long seals = early_syscall(SYS_fcntl, fd, F_GET_SEALS, 0, 0, 0);
    struct statfs fs;
    long st = early_syscall(SYS_fstatfs, fd, (long)&fs, 0, 0, 0);
    early_syscall(SYS_close, fd, 0, 0, 0, 0);
    return (seals >= 0 && (seals & EARLY_SEALS) == EARLY_SEALS) ||
           (st == 0 && (fs.f_flags & EARLY_ST_RDONLY));
}

/* sp: the initial stack (argc, argv..., 0, envp..., 0, auxv). Returns unless
 * it re-execs. */
__attribute__((visibility("hidden"), used)) void keel_early_seal(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    if (argc < 2 || !early_wants_seal(argv) || early_exe_read_only())
        return;
    long fd = early_syscall(SYS_open_tree, AT_FDCWD, (long)"/proc/self/exe",
                            OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC, 0, 0);
    if (fd < 0)
        return;
    struct mount_attr attr;
    attr.attr_set = MOUNT_ATTR_RDONLY;
    attr.attr_clr = 0;
    attr.propagation = 0;
    attr.userns_fd = 0;
    if (early_syscall(SYS_mount_setattr, fd, (long)"", AT_EMPTY_PATH, (long)&attr, sizeof attr) == 0)
        early_syscall(SYS_execveat, fd, (long)"", (long)argv, (long)envp, AT_EMPTY_PATH);
    early_syscall(SYS_close, fd, 0, 0, 0, 0);
}

/* The kernel enters here with the initial stack at %rsp; glibc's _start gets
 * it back untouched (and %rdx zero, as the kernel leaves it). */
__asm__(".text\n"
        ".globl keel_entry\n"
        ".type keel_entry, @function\n"
        "keel_entry:\n"
        "    endbr64\n"
        "    mov %rsp, %r12\n"
        "    mov %rsp, %rdi\n"
        "    and $-16, %rsp\n"
        "    call keel_early_seal\n"
        "    mov %r12, %rsp\n"
        "    xor %edx, %edx\n"
        "    jmp _start\n"
        ".size keel_entry, . - keel_entry\n");

#endif
