/* The container process' own settings (process.c) that need no container. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"

Test(process, new_session_leads_session_and_group)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        keel_err err;
        if (process_new_session(&err) < 0)
            _exit(99);
        _exit(getsid(0) == getpid() && getpgrp() == getpid() ? 0 : 1);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
}

/* args[0] errors carry runc's words and errno: docker and podman read 127 or 126 in them. */
static void lookup_fails(const char *file, const char *want, int errnum)
{
    char *env[] = {"PATH=/nonexistent-keel-a:/nonexistent-keel-b"};
    char out[PATH_MAX];
    keel_err err = {0};
    cr_assert_eq(process_lookup(file, env, 1, out, sizeof out, &err), -1);
    cr_assert_str_eq(err.msg, want);
    cr_assert_eq(err.errnum, errnum, "%s: errno %d", file, err.errnum);
}

Test(process, lookup_errors_in_runc_words)
{
    lookup_fails("nosuchcmd", "exec: \"nosuchcmd\": executable file not found in $PATH", ENOENT);
    lookup_fails("/nonexistent-keel/x",
                 "exec: \"/nonexistent-keel/x\": stat /nonexistent-keel/x: no such file or directory",
                 ENOENT);
    lookup_fails("/", "exec: \"/\": permission denied", EACCES);
    if (access("/etc/hostname", X_OK) < 0)
        lookup_fails("/etc/hostname", "exec: \"/etc/hostname\": permission denied", EACCES);
}

Test(process, home_from_passwd)
{
    char path[] = "/tmp/keel-passwd-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                          "broken line\n"
                          "nohome:x:7:7:::/bin/sh\n"
                          "u:x:1000:1000:User:/home/u:/bin/sh\n";
    cr_assert_eq(write(fd, passwd, sizeof passwd - 1), (ssize_t)sizeof passwd - 1);
    close(fd);
    char home[64];
    process_home(path, 0, home, sizeof home);
    cr_assert_str_eq(home, "/root");
    process_home(path, 1000, home, sizeof home);
    cr_assert_str_eq(home, "/home/u");
    process_home(path, 100, home, sizeof home);
    cr_assert_str_eq(home, "/", "an unknown uid");
    process_home(path, 7, home, sizeof home);
    cr_assert_str_eq(home, "/", "an empty home field");
    unlink(path);
    process_home(path, 0, home, sizeof home);
    cr_assert_str_eq(home, "/", "no passwd file");
}

Test(process, chown_stdio_pipes_only)
{
    if (geteuid() != 0)
        cr_skip_test("needs root");
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int p[2];
        char file[] = "/tmp/keel-stdio-XXXXXX";
        int f = mkstemp(file);
        keel_err err;
        if (f < 0 || pipe(p) < 0 || dup2(p[1], 1) < 0 || dup2(f, 2) < 0)
            _exit(99);
        unlink(file);
        if (process_chown_stdio(1000, &err) < 0)
            _exit(98);
        struct stat out, errf;
        if (fstat(1, &out) < 0 || fstat(2, &errf) < 0)
            _exit(97);
        _exit(out.st_uid == 1000 && errf.st_uid == 0 ? 0 : 1);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
}
