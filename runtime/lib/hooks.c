/* Running OCI hooks (see hooks.h). */
#include "hooks.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static int state_memfd(const char *state_json, keel_err *err)
{
    int fd = memfd_create("keel-hook-state", MFD_CLOEXEC);
    if (fd < 0)
        return keel_syserror(err, "memfd_create");
    size_t len = strlen(state_json);
    if (write_all(fd, state_json, len) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
        keel_syserror(err, "write hook state");
        close(fd);
        return -1;
    }
    return fd;
}

/* Waits for pid for at most timeout seconds (<= 0: no limit); kills it then. */
static int hook_wait(pid_t pid, int timeout, bool *timed_out, keel_err *err)
{
    *timed_out = false;
    if (timeout > 0) {
        cleanup_close int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pfd >= 0) {
            struct pollfd p = {.fd = pfd, .events = POLLIN};
            int r;
            do
                r = poll(&p, 1, timeout * 1000);
            while (r < 0 && errno == EINTR);
            if (r == 0) {
                *timed_out = true;
                kill(pid, SIGKILL);
            }
        }
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return keel_syserror(err, "wait for hook");
    return status;
}

static int hook_run(const struct oci_hook *h, const char *kind, size_t i, const char *state_json,
                    keel_err *err)
{
    if (h->path == NULL)
        return keel_error(err, 0, "hooks.%s[%zu].path is missing", kind, i);
    cleanup_close int in = state_memfd(state_json, err);
    if (in < 0)
        return -1;
    /* NULL-terminated copies: spec arrays carry a length instead */
    size_t argc = h->args_len > 0 ? h->args_len : 1;
    char *argv[argc + 1], *envp[h->env_len + 1];
    if (h->args_len > 0)
        memcpy(argv, h->args, h->args_len * sizeof *argv);
    else
        argv[0] = h->path;
    argv[argc] = NULL;
    if (h->env_len > 0)
        memcpy(envp, h->env, h->env_len * sizeof *envp);
    envp[h->env_len] = NULL;
    pid_t pid = fork();
    if (pid < 0)
        return keel_syserror(err, "hooks.%s[%zu]: fork", kind, i);
    if (pid == 0) {
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        signal(SIGPIPE, SIG_DFL);
        /* a hook gets the state on stdin, keel's stdout and stderr, nothing else */
        if (dup2(in, 0) < 0 || syscall(SYS_close_range, 3, ~0U, 0) < 0)
            _exit(127);
        /* without "env" a hook gets keel's environment, as runc's (Go's exec.Cmd with a
         * nil Env); an empty "env": [] gives it none */
        execve(h->path, argv, h->env != NULL ? envp : environ);
        fprintf(stderr, "keel: hooks.%s[%zu]: exec %s: %s\n", kind, i, h->path, strerror(errno));
        _exit(127);
    }
    bool timed_out;
    int status = hook_wait(pid, h->has_timeout ? h->timeout : 0, &timed_out, err);
    if (status < 0)
        return -1;
    if (timed_out)
        return keel_error(err, 0, "hooks.%s[%zu] %s: timed out after %d s", kind, i, h->path, h->timeout);
    if (WIFSIGNALED(status))
        return keel_error(err, 0, "hooks.%s[%zu] %s: killed by signal %d", kind, i, h->path, WTERMSIG(status));
    if (WEXITSTATUS(status) != 0)
        return keel_error(err, 0, "hooks.%s[%zu] %s: exit status %d", kind, i, h->path, WEXITSTATUS(status));
    return 0;
}

int hooks_run(const struct oci_hook *hooks, size_t n, const char *kind, const char *state_json,
              keel_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (hook_run(&hooks[i], kind, i, state_json, err) < 0)
            return -1;
    return 0;
}

void hooks_run_warn(const struct oci_hook *hooks, size_t n, const char *kind, const char *state_json)
{
    for (size_t i = 0; i < n; i++) {
        keel_err err = {0};
        if (hook_run(&hooks[i], kind, i, state_json, &err) < 0)
            log_warn("%s", err.msg);
    }
}
