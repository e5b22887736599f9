/* linux.seccomp: every action, errnoRet, argument conditions, flags and errors,
 * observed in forked children that load the compiled filter. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "capabilities.h"
#include "seccomp_filter.h"

/* Compiles a linux.seccomp document; returns what keel_seccomp_compile returns. */
static int compile_json(const char *json, struct keel_seccomp *f, keel_err *err)
{
    struct oci_seccomp s;
    if (spec_parse(&spec_type_oci_seccomp, json, strlen(json), "test", &s, err) < 0)
        return -1;
    int rc = keel_seccomp_compile(&s, f, err);
    spec_release(&spec_type_oci_seccomp, &s);
    return rc;
}

static void compile_ok(const char *json, struct keel_seccomp *f)
{
    keel_err err = { 0 };
    cr_assert_eq(compile_json(json, f, &err), 0, "compile: %s", err.msg);
}

static void compile_fails(const char *json, const char *want)
{
    struct keel_seccomp f;
    keel_err err = { 0 };
    cr_assert_eq(compile_json(json, &f, &err), -1, "compiled: %s", json);
    cr_assert_str_eq(err.msg, want);
}

/* exit_group straight away: nothing of libc (or a sanitizer's exit hooks)
 * runs under the filter. */
static _Noreturn void child_exit(int code)
{
    for (;;)
        syscall(SYS_exit_group, code);
}

/* Runs body() in a child that loads `f` (with no_new_privs) first; the child's
 * exit code is body's result. Returns the wait status. */
static int run_filtered(const struct keel_seccomp *f, int (*body)(void))
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        struct rlimit no_core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &no_core);
        keel_err err;
        int listener;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || keel_seccomp_load(f, &listener, &err) < 0)
            child_exit(99);
        child_exit(body());
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return status;
}

static int expect_exit(const char *json, int (*body)(void))
{
    struct keel_seccomp f;
    compile_ok(json, &f);
    int status = run_filtered(&f, body);
    keel_seccomp_release(&f);
    cr_assert(WIFEXITED(status), "child did not exit (status %#x)", status);
    return WEXITSTATUS(status);
}

static void expect_signal(const char *json, int (*body)(void), int sig)
{
    struct keel_seccomp f;
    compile_ok(json, &f);
    int status = run_filtered(&f, body);
    keel_seccomp_release(&f);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == sig, "status %#x, wanted signal %d",
              status, sig);
}

/* The syscalls the tests block: harmless ones whose normal result is known. */
static int getppid_errno(void)
{
    return syscall(SYS_getppid) == -1 ? errno : 0;
}

static int mkdir_errno(void)
{
    /* normally ENOENT: the parent directory does not exist */
    return syscall(SYS_mkdir, "/nonexistent-keel-seccomp/x", 0700) == -1 ? errno : 0;
}

/* With a default that refuses, what the child still needs: exiting, and what
 * ASan's runtime does behind a call (SANITIZE=1). */
#define RUNTIME_NEEDS "\"exit_group\",\"exit\",\"sigaltstack\",\"gettid\",\"mmap\",\"munmap\",\"write\""

#define ALLOW_BUT(action_json) \
    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"]," action_json "}]}"

Test(seccomp_action, errno_defaults_to_eperm)
{
    cr_assert_eq(expect_exit(ALLOW_BUT("\"action\":\"SCMP_ACT_ERRNO\""), getppid_errno), EPERM);
}

Test(seccomp_action, errno_ret)
{
    const char *json = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
                       "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}";
    cr_assert_eq(expect_exit(json, mkdir_errno), ENOSYS);
}

Test(seccomp_action, unfiltered_mkdir_is_enoent)
{
    cr_assert_eq(expect_exit(ALLOW_BUT("\"action\":\"SCMP_ACT_ERRNO\""), mkdir_errno), ENOENT);
}

Test(seccomp_action, default_errno_ret)
{
    const char *json = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":18,"
                       "\"syscalls\":[{\"names\":[" RUNTIME_NEEDS "],\"action\":\"SCMP_ACT_ALLOW\"}]}";
    cr_assert_eq(expect_exit(json, getppid_errno), EXDEV);
}

static int getppid_matches_parent(void)
{
    /* the parent wrote its pid in the environment before forking */
    return syscall(SYS_getppid) == atol(getenv("KEEL_TEST_PARENT")) ? 0 : 1;
}

Test(seccomp_action, allow_and_log_let_the_call_through)
{
    char pid[32];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    setenv("KEEL_TEST_PARENT", pid, 1);
    const char *allow = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":"
                        "[\"getppid\"," RUNTIME_NEEDS "],\"action\":\"SCMP_ACT_ALLOW\"}]}";
    cr_assert_eq(expect_exit(allow, getppid_matches_parent), 0);
    cr_assert_eq(expect_exit(ALLOW_BUT("\"action\":\"SCMP_ACT_LOG\""), getppid_matches_parent), 0);
}

Test(seccomp_action, trace_without_tracer_is_enosys)
{
    cr_assert_eq(expect_exit(ALLOW_BUT("\"action\":\"SCMP_ACT_TRACE\""), getppid_errno), ENOSYS);
}

Test(seccomp_action, kill_and_kill_process)
{
    expect_signal(ALLOW_BUT("\"action\":\"SCMP_ACT_KILL\""), getppid_errno, SIGSYS);
    expect_signal(ALLOW_BUT("\"action\":\"SCMP_ACT_KILL_PROCESS\""), getppid_errno, SIGSYS);
}

static void *thread_calls_getppid(void *arg)
{
    (void)arg;
    syscall(SYS_getppid);
    return NULL;
}

static int getppid_in_thread(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, thread_calls_getppid, NULL) != 0)
        return 98;
    pthread_join(t, NULL);
    return 7; /* only reached when the process outlived its thread */
}

Test(seccomp_action, kill_thread_kills_only_the_thread)
{
    cr_assert_eq(expect_exit(ALLOW_BUT("\"action\":\"SCMP_ACT_KILL_THREAD\""), getppid_in_thread), 7);
    expect_signal(ALLOW_BUT("\"action\":\"SCMP_ACT_KILL_PROCESS\""), getppid_in_thread, SIGSYS);
}

static void on_sigsys(int sig, siginfo_t *info, void *ctx)
{
    (void)sig;
    (void)ctx;
    /* si_code SYS_SECCOMP (1), which glibc 2.36 does not name */
    child_exit(info->si_code == 1 && info->si_syscall == SYS_getppid ? 42 : 43);
}

static int getppid_with_sigsys_handler(void)
{
    struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
    sigaction(SIGSYS, &sa, NULL);
    syscall(SYS_getppid);
    return 44;
}

Test(seccomp_action, trap_sends_sigsys)
{
    cr_assert_eq(expect_exit(ALLOW_BUT("\"action\":\"SCMP_ACT_TRAP\""), getppid_with_sigsys_handler), 42);
}

/* --- argument conditions: getpgid(arg0) and getpriority(arg0, arg1) ------- */

static long cond_arg0, cond_arg1;

static int getpgid_errno(void)
{
    return syscall(SYS_getpgid, cond_arg0) == -1 ? errno : 0;
}

static int getpriority_errno(void)
{
    return syscall(SYS_getpriority, cond_arg0, cond_arg1) == -1 ? errno : 0;
}

/* Whether getpgid(arg) is blocked (EXDEV) under the filter. */
static bool blocked(const struct keel_seccomp *f, long arg)
{
    cond_arg0 = arg;
    int status = run_filtered(f, getpgid_errno);
    cr_assert(WIFEXITED(status));
    return WEXITSTATUS(status) == EXDEV;
}

static void check_op(const char *op, long value, long value_two, const long *args,
                     const bool *want, size_t n)
{
    char json[512];
    snprintf(json, sizeof json,
             "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpgid\"],"
             "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":18,\"args\":[{\"index\":0,"
             "\"value\":%ld,\"valueTwo\":%ld,\"op\":\"%s\"}]}]}", value, value_two, op);
    struct keel_seccomp f;
    compile_ok(json, &f);
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(blocked(&f, args[i]), want[i], "%s %ld with arg %ld", op, value, args[i]);
    keel_seccomp_release(&f);
}

Test(seccomp_args, every_operator)
{
    /* pids that do not exist: unfiltered, getpgid gives ESRCH */
    const long a[] = { 4000000, 4000001, 4000002 };
    check_op("SCMP_CMP_EQ", 4000001, 0, a, (bool[]){ false, true, false }, 3);
    check_op("SCMP_CMP_NE", 4000001, 0, a, (bool[]){ true, false, true }, 3);
    check_op("SCMP_CMP_LT", 4000001, 0, a, (bool[]){ true, false, false }, 3);
    check_op("SCMP_CMP_LE", 4000001, 0, a, (bool[]){ true, true, false }, 3);
    check_op("SCMP_CMP_GT", 4000001, 0, a, (bool[]){ false, false, true }, 3);
    check_op("SCMP_CMP_GE", 4000001, 0, a, (bool[]){ false, true, true }, 3);
    /* value is the mask, valueTwo what the masked argument must equal */
    const long m[] = { 0x3c0035, 0x3c0045, 0x3c0030 };
    check_op("SCMP_CMP_MASKED_EQ", 0xf0, 0x30, m, (bool[]){ true, false, true }, 3);
}

Test(seccomp_args, same_index_twice_becomes_separate_rules)
{
    /* runc's handling: each condition its own rule, so either one matches */
    const char *json = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpgid\"],"
                       "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":18,\"args\":["
                       "{\"index\":0,\"value\":4000010,\"op\":\"SCMP_CMP_EQ\"},"
                       "{\"index\":0,\"value\":4000020,\"op\":\"SCMP_CMP_EQ\"}]}]}";
    struct keel_seccomp f;
    compile_ok(json, &f);
    cr_expect(blocked(&f, 4000010));
    cr_expect(blocked(&f, 4000020));
    cr_expect(!blocked(&f, 4000030));
    keel_seccomp_release(&f);
}

Test(seccomp_args, different_indexes_all_must_match)
{
    const char *json = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpriority\"],"
                       "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":18,\"args\":["
                       "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},"
                       "{\"index\":1,\"value\":4000040,\"op\":\"SCMP_CMP_EQ\"}]}]}";
    struct keel_seccomp f;
    compile_ok(json, &f);
    const long cases[][3] = { /* which, who, blocked */
        { 0, 4000040, 1 }, { 0, 4000041, 0 }, { 1, 4000040, 0 },
    };
    for (size_t i = 0; i < 3; i++) {
        cond_arg0 = cases[i][0];
        cond_arg1 = cases[i][1];
        int status = run_filtered(&f, getpriority_errno);
        cr_assert(WIFEXITED(status));
        cr_expect_eq(WEXITSTATUS(status) == EXDEV, cases[i][2] != 0, "getpriority(%ld, %ld)",
                     cases[i][0], cases[i][1]);
    }
    keel_seccomp_release(&f);
}

/* --- what compile accepts and refuses ------------------------------------- */

Test(seccomp_compile, unknown_syscall_is_skipped)
{
    struct keel_seccomp f;
    compile_ok(ALLOW_BUT("\"names\":[\"no_such_syscall_keel\",\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\""),
               &f);
    cr_assert_eq(f.unknown_len, 1);
    cr_assert_str_eq(f.unknown[0], "no_such_syscall_keel");
    int status = run_filtered(&f, getppid_errno);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == EPERM);
    keel_seccomp_release(&f);
}

Test(seccomp_compile, rule_equal_to_default_is_skipped)
{
    struct keel_seccomp f;
    compile_ok(ALLOW_BUT("\"action\":\"SCMP_ACT_ALLOW\""), &f);
    cr_assert_gt(f.prog_len, 0);
    keel_seccomp_release(&f);
}

Test(seccomp_compile, errors_name_the_json_path)
{
    compile_fails("{\"syscalls\":[]}", "linux.seccomp.defaultAction: required");
    compile_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
                  "\"action\":\"SCMP_ACT_ERRNO\"},{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_FOO\"}]}",
                  "linux.seccomp.syscalls[1].action: unknown action \"SCMP_ACT_FOO\"");
    compile_fails("{\"defaultAction\":\"SCMP_ACT_BAR\"}",
                  "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_BAR\"");
    compile_fails(ALLOW_BUT("\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,"
                            "\"op\":\"SCMP_CMP_BAD\"}]"),
                  "linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_BAD\"");
    compile_fails(ALLOW_BUT("\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,\"value\":1,"
                            "\"op\":\"SCMP_CMP_EQ\"}]"),
                  "linux.seccomp.syscalls[0].args[0].index: must be between 0 and 5");
    compile_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
                  "\"SCMP_ARCH_VAX\"]}",
                  "linux.seccomp.architectures[1]: unknown or unsupported architecture \"SCMP_ARCH_VAX\"");
    compile_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_NOPE\"]}",
                  "linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_NOPE\"");
    compile_fails(ALLOW_BUT("\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":1"),
                  "linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_KILL does not take an errno");
    compile_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":5}",
                  "linux.seccomp.defaultErrnoRet: SCMP_ACT_ALLOW does not take an errno");
    compile_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],"
                  "\"action\":\"SCMP_ACT_ERRNO\"}]}",
                  "linux.seccomp.syscalls[0].names: must contain at least one entry");
    compile_fails(ALLOW_BUT("\"action\":\"SCMP_ACT_NOTIFY\""),
                  "linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY");
    compile_fails("{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/x\"}",
                  "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
    compile_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerMetadata\":\"m\"}",
                  "linux.seccomp.listenerMetadata: set without listenerPath");
}

Test(seccomp_compile, flags_and_architectures)
{
    struct keel_seccomp f;
    compile_ok("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
               "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\","
               "\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
               "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}", &f);
    cr_assert_eq(f.flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
                          SECCOMP_FILTER_FLAG_SPEC_ALLOW);
    int status = run_filtered(&f, getppid_errno);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == EPERM, "status %#x", status);
    keel_seccomp_release(&f);
}

Test(seccomp_load, without_nnp_or_cap_sys_admin_says_why)
{
    struct keel_seccomp f;
    compile_ok(ALLOW_BUT("\"action\":\"SCMP_ACT_ERRNO\""), &f);
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        cap_t none = cap_init();
        keel_err err = { 0 };
        int listener;
        if (none == NULL || cap_set_proc(none) < 0 || keel_seccomp_load(&f, &listener, &err) == 0)
            child_exit(1);
        ssize_t n = write(fds[1], err.msg, strlen(err.msg));
        child_exit(n > 0 ? 0 : 2);
    }
    close(fds[1]);
    char msg[1024] = "";
    cr_assert_geq(read(fds[0], msg, sizeof msg - 1), 0);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cr_assert_str_eq(msg, "load seccomp filter (it needs noNewPrivileges or CAP_SYS_ADMIN): "
                          "Permission denied");
    keel_seccomp_release(&f);
}

/* --- SCMP_ACT_NOTIFY: the agent gets the fd and the state ------------------ */

/* The agent's side: accepts one connection, returns the fd and the document. */
static int agent_receive(int listen_fd, char *doc, size_t doc_size)
{
    int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    cr_assert_geq(conn, 0);
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = doc, .iov_len = doc_size - 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                          .msg_controllen = sizeof control.buf };
    ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    cr_assert_gt(n, 0);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    cr_assert(c != NULL && c->cmsg_type == SCM_RIGHTS, "no SCM_RIGHTS");
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    size_t len = (size_t)n;
    while ((n = read(conn, doc + len, doc_size - 1 - len)) > 0)
        len += (size_t)n;
    doc[len] = '\0';
    close(conn);
    return fd;
}

static int notified_getppid(void)
{
    return syscall(SYS_getppid) == 4242 ? 0 : 1;
}

Test(seccomp_notify, agent_gets_listener_fd_and_state)
{
    char dir[] = "/tmp/keel-seccomp-test-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char sock_path[64], json[512];
    snprintf(sock_path, sizeof sock_path, "%s/agent.sock", dir);
    snprintf(json, sizeof json, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\","
             "\"listenerMetadata\":\"MKNOD=/dev/null\",\"flags\":"
             "[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],\"syscalls\":[{\"names\":[\"getppid\"],"
             "\"action\":\"SCMP_ACT_NOTIFY\"}]}", sock_path);
    struct keel_seccomp f;
    compile_ok(json, &f);
    cr_assert(f.notify);

    int listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    strcpy(addr.sun_path, sock_path);
    cr_assert_eq(bind(listen_fd, (struct sockaddr *)&addr, sizeof addr), 0);
    cr_assert_eq(listen(listen_fd, 1), 0);

    int sv[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    pid_t pid = fork();
    if (pid == 0) {
        /* the container process: loads at its point and passes the fd up */
        keel_err err;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            keel_seccomp_apply(&f, KEEL_SECCOMP_BEFORE_EXEC, sv[1], &err) < 0 ||
            keel_seccomp_apply(&f, KEEL_SECCOMP_PREPARED, sv[1], &err) < 0)
            child_exit(99);
        child_exit(notified_getppid());
    }
    close(sv[1]);
    /* the runtime: forwards the fd with the state to the agent */
    struct oci_state state = { .ociVersion = (char *)"1.3.0", .id = (char *)"seccomp-notify",
                               .status = (char *)"creating", .pid = pid, .has_pid = true,
                               .bundle = (char *)"/bundle" };
    keel_err ferr = { 0 };
    cr_assert_eq(keel_seccomp_forward_listener(&f, sv[0], pid, &state, &ferr), 0, "%s", ferr.msg);
    close(sv[0]);
    char doc[4096];
    int fd = agent_receive(listen_fd, doc, sizeof doc);

    struct oci_container_process_state st;
    keel_err err = { 0 };
    cr_assert_eq(spec_parse(&spec_type_oci_container_process_state, doc, strlen(doc), "state",
                            &st, &err), 0, "%s: %s", err.msg, doc);
    cr_assert_str_eq(st.ociVersion, "1.3.0");
    cr_assert_eq(st.fds_len, 1);
    cr_assert_str_eq(st.fds[0], "seccompFd");
    cr_assert_eq(st.pid, pid);
    cr_assert_str_eq(st.metadata, "MKNOD=/dev/null");
    cr_assert_str_eq(st.state->id, "seccomp-notify");
    cr_assert_eq(st.state->pid, pid);
    cr_assert_str_eq(st.state->status, "creating");
    spec_release(&spec_type_oci_container_process_state, &st);

    /* the fd is a working listener: answer the child's getppid with 4242 */
    struct seccomp_notif req;
    memset(&req, 0, sizeof req);
    cr_assert_eq(ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req), 0, "NOTIF_RECV: %s", strerror(errno));
    cr_assert_eq(req.data.nr, SYS_getppid);
    cr_assert_eq((pid_t)req.pid, pid);
    struct seccomp_notif_resp resp = { .id = req.id, .val = 4242 };
    cr_assert_eq(ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0, "NOTIF_SEND: %s", strerror(errno));
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
    close(fd);
    close(listen_fd);
    unlink(sock_path);
    rmdir(dir);
    keel_seccomp_release(&f);
}

Test(seccomp_notify, unreachable_listener_is_an_error)
{
    struct keel_seccomp f;
    compile_ok("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/nonexistent/agent.sock\","
               "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}", &f);
    struct oci_state state = { .id = (char *)"x", .status = (char *)"creating" };
    keel_err err = { 0 };
    cr_assert_eq(keel_seccomp_send_listener(&f, 0, 1, &state, &err), -1);
    cr_assert_str_eq(err.msg, "connect to seccomp listener /nonexistent/agent.sock: "
                              "No such file or directory");
    keel_seccomp_release(&f);
}

Test(seccomp_apply, loads_right_before_exec)
{
    struct keel_seccomp f;
    compile_ok(ALLOW_BUT("\"action\":\"SCMP_ACT_ERRNO\""), &f);
    cr_assert_eq(keel_seccomp_point_for(&f), KEEL_SECCOMP_BEFORE_EXEC);
    f.notify = true;
    cr_assert_eq(keel_seccomp_point_for(&f), KEEL_SECCOMP_PREPARED);
    f.notify = false;
    pid_t pid = fork();
    if (pid == 0) {
        /* without NOTIFY: nothing at PREPARED, loaded right before execve */
        keel_err err;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            keel_seccomp_apply(&f, KEEL_SECCOMP_PREPARED, -1, &err) < 0)
            child_exit(99);
        if (getppid_errno() != 0)
            child_exit(1);
        if (keel_seccomp_apply(&f, KEEL_SECCOMP_BEFORE_EXEC, -1, &err) < 0)
            child_exit(98);
        child_exit(getppid_errno() == EPERM ? 0 : 2);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
    cr_assert_eq(keel_seccomp_apply(NULL, KEEL_SECCOMP_BEFORE_EXEC, -1, NULL), 0);
    keel_seccomp_release(&f);
}

/* --- the cache of compiled profiles ---------------------------------------- */

static void parse_seccomp(const char *json, struct oci_seccomp *s)
{
    keel_err err = { 0 };
    cr_assert_eq(spec_parse(&spec_type_oci_seccomp, json, strlen(json), "test", s, &err), 0,
                 "%s", err.msg);
}

static size_t count_files(const char *dir)
{
    cleanup_dir DIR *d = opendir(dir);
    size_t n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    return n;
}

Test(seccomp_cache, same_profile_compiles_once)
{
    char dir[] = "/tmp/keel-seccomp-test-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cache[64];
    snprintf(cache, sizeof cache, "%s/cache", dir);
    struct oci_seccomp a, b, c;
    parse_seccomp(ALLOW_BUT("\"names\":[\"getppid\",\"no_such_syscall_keel\"],"
                            "\"action\":\"SCMP_ACT_ERRNO\""), &a);
    /* the same profile written differently */
    parse_seccomp("{ \"syscalls\": [ { \"action\": \"SCMP_ACT_ERRNO\", \"names\": [\"getppid\", "
                  "\"no_such_syscall_keel\"] } ], \"defaultAction\": \"SCMP_ACT_ALLOW\" }", &b);
    parse_seccomp(ALLOW_BUT("\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":18"), &c);
    struct keel_seccomp fa, fb, fc, direct;
    keel_err err = { 0 };
    cr_assert_eq(keel_seccomp_compile_cached(&a, cache, &fa, &err), 0, "%s", err.msg);
    cr_assert_eq(count_files(cache), 1);
    cr_assert_eq(keel_seccomp_compile_cached(&b, cache, &fb, &err), 0, "%s", err.msg);
    cr_assert_eq(count_files(cache), 1, "the second profile was a hit");
    cr_assert_eq(fb.prog_len, fa.prog_len);
    cr_assert_arr_eq(fb.prog, fa.prog, fa.prog_len * sizeof fa.prog[0]);
    cr_assert_eq(fb.unknown_len, 1);
    cr_assert_str_eq(fb.unknown[0], "no_such_syscall_keel");
    cr_assert_eq(keel_seccomp_compile(&a, &direct, &err), 0, "%s", err.msg);
    cr_assert_arr_eq(direct.prog, fa.prog, fa.prog_len * sizeof fa.prog[0]);

    cr_assert_eq(keel_seccomp_compile_cached(&c, cache, &fc, &err), 0, "%s", err.msg);
    cr_assert_eq(count_files(cache), 2);
    int status = run_filtered(&fc, getppid_errno);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == EXDEV, "status %#x", status);

    /* a cache entry someone else could have written is not trusted */
    keel_seccomp_release(&fb);
    cleanup_dir DIR *d = opendir(cache);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.')
            cr_assert_eq(fchmodat(dirfd(d), e->d_name, 0666, 0), 0);
    cr_assert_eq(keel_seccomp_compile_cached(&b, cache, &fb, &err), 0, "%s", err.msg);
    cr_assert_arr_eq(fb.prog, fa.prog, fa.prog_len * sizeof fa.prog[0]);

    /* nor is a damaged one: the profile is compiled again */
    keel_seccomp_release(&fb);
    rewinddir(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        int fd = openat(dirfd(d), e->d_name, O_WRONLY | O_TRUNC | O_CLOEXEC);
        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, "KEELBPF2garbage", 15), 15);
        close(fd);
        cr_assert_eq(fchmodat(dirfd(d), e->d_name, 0600, 0), 0);
    }
    cr_assert_eq(keel_seccomp_compile_cached(&b, cache, &fb, &err), 0, "%s", err.msg);
    cr_assert_eq(fb.prog_len, fa.prog_len);
    cr_assert_arr_eq(fb.prog, fa.prog, fa.prog_len * sizeof fa.prog[0]);

    keel_seccomp_release(&fa);
    keel_seccomp_release(&fb);
    keel_seccomp_release(&fc);
    keel_seccomp_release(&direct);
    spec_release(&spec_type_oci_seccomp, &a);
    spec_release(&spec_type_oci_seccomp, &b);
    spec_release(&spec_type_oci_seccomp, &c);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* --- features.json ---------------------------------------------------------- */

static bool has(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

Test(seccomp_features, lists_what_this_build_supports)
{
    struct oci_features_seccomp ft;
    keel_err err = { 0 };
    cr_assert_eq(keel_seccomp_features(&ft, &err), 0, "%s", err.msg);
    cr_assert(ft.enabled && ft.has_enabled);
    cr_assert_eq(ft.actions_len, 9);
    cr_assert(has(ft.actions, ft.actions_len, "SCMP_ACT_NOTIFY"));
    cr_assert_eq(ft.operators_len, 7);
    cr_assert(has(ft.operators, ft.operators_len, "SCMP_CMP_MASKED_EQ"));
    cr_assert(has(ft.archs, ft.archs_len, "SCMP_ARCH_X86_64"));
    cr_assert(has(ft.archs, ft.archs_len, "SCMP_ARCH_AARCH64"));
    cr_assert_eq(ft.knownFlags_len, 4);
    /* this kernel (6.x) accepts all four */
    cr_assert(has(ft.supportedFlags, ft.supportedFlags_len, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
    cr_assert(has(ft.supportedFlags, ft.supportedFlags_len, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"));
    spec_release(&spec_type_oci_features_seccomp, &ft);
}

/* --- a docker-sized profile: compiles, loads, behaves; how long it takes ---- */

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int large_profile_body(void)
{
    /* allowed: getppid; clone3 is ERRNO(ENOSYS); reboot falls to the default EPERM */
    if (syscall(SYS_getppid) <= 0)
        return 1;
    if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
        return 2;
    if (syscall(SYS_reboot, 0, 0, 0, NULL) != -1 || errno != EPERM)
        return 3;
    return 0;
}

Test(seccomp_large, docker_sized_profile)
{
    struct oci_seccomp s;
    keel_err err = { 0 };
    cr_assert_eq(spec_parse_file(&spec_type_oci_seccomp, "data/seccomp-large.json", &s, &err), 0,
                 "%s", err.msg);
    size_t names = 0;
    for (size_t i = 0; i < s.syscalls_len; i++)
        names += s.syscalls[i].names_len;
    struct keel_seccomp f;
    double t0 = now_us();
    cr_assert_eq(keel_seccomp_compile(&s, &f, &err), 0, "%s", err.msg);
    double t1 = now_us();
    cr_assert_eq(f.unknown_len, 4, "the profile names 4 syscalls newer than libseccomp 2.5");
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int listener;
        double l0 = now_us();
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || keel_seccomp_load(&f, &listener, &err) < 0)
            child_exit(99);
        double l1 = now_us();
        if (write(fds[1], &(double){ l1 - l0 }, sizeof(double)) != sizeof(double))
            child_exit(98);
        child_exit(large_profile_body());
    }
    close(fds[1]);
    double load_us = 0;
    cr_assert_eq(read(fds[0], &load_us, sizeof load_us), sizeof load_us);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
    char dir[] = "/tmp/keel-seccomp-test-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cache[64];
    snprintf(cache, sizeof cache, "%s/cache", dir);
    struct keel_seccomp miss, hit;
    double c0 = now_us();
    cr_assert_eq(keel_seccomp_compile_cached(&s, cache, &miss, &err), 0, "%s", err.msg);
    double c1 = now_us();
    cr_assert_eq(keel_seccomp_compile_cached(&s, cache, &hit, &err), 0, "%s", err.msg);
    double c2 = now_us();
    cr_assert_arr_eq(hit.prog, f.prog, f.prog_len * sizeof f.prog[0]);
    cr_assert_eq(hit.unknown_len, 4);
    keel_seccomp_release(&miss);
    keel_seccomp_release(&hit);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    fprintf(stderr, "seccomp: cache miss %.0f us, cache hit %.0f us\n", c1 - c0, c2 - c1);
    cr_log_info("seccomp: %zu syscall names, %zu BPF instructions: compile %.0f us, load %.0f us",
                names, f.prog_len, t1 - t0, load_us);
    fprintf(stderr, "seccomp: %zu syscall names, %zu BPF instructions: compile %.0f us, load %.0f us\n",
            names, f.prog_len, t1 - t0, load_us);
    keel_seccomp_release(&f);
    spec_release(&spec_type_oci_seccomp, &s);
}

/* Without noNewPrivileges, after the user switch: loads only while caps_apply kept
 * CAP_SYS_ADMIN besides the configured capabilities (process.c's order). */
static int load_as_user(const struct keel_seccomp *f, int extra)
{
    char *kill_only[] = {"CAP_KILL"};
    struct oci_capabilities c = {.effective = kill_only, .effective_len = 1,
                                 .permitted = kill_only, .permitted_len = 1};
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        keel_err err;
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setresgid(1000, 1000, 1000) < 0 ||
            setresuid(1000, 1000, 1000) < 0 || caps_apply(&c, extra, &err) < 0)
            child_exit(99);
        if (keel_seccomp_apply(f, KEEL_SECCOMP_BEFORE_EXEC, -1, &err) < 0)
            child_exit(err.errnum == EACCES ? 3 : 98);
        child_exit(getppid_errno() == EPERM ? 0 : 2);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "status %#x", status);
    return WEXITSTATUS(status);
}

Test(seccomp_apply, without_no_new_privs_keeps_sys_admin_for_the_load)
{
    if (geteuid() != 0)
        cr_skip_test("needs root");
    struct keel_seccomp f;
    compile_ok(ALLOW_BUT("\"action\":\"SCMP_ACT_ERRNO\""), &f);
    cr_assert_eq(load_as_user(&f, CAP_SYS_ADMIN), 0);
    cr_assert_eq(load_as_user(&f, -1), 3, "without CAP_SYS_ADMIN the load is refused");
    keel_seccomp_release(&f);
}
