/* The runtime's command line (runtime_ops.h). */
#include "runtime_ops.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "keel/runtime_log.h"
#include "keel/spec.h"

#define RUNTIME_MAX_ARGS 24

const char *runtime_default(void)
{
    static char path[PATH_MAX];
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        snprintf(path, sizeof path, "%s/keel", dirname(self));
        if (access(path, X_OK) == 0)
            return path;
    }
    return "keel";
}

static void log_path(const struct monitor_opts *o, char *buf, size_t len)
{
    snprintf(buf, len, "%s/runtime.log", o->dir);
}

/* In the child: stdio from io, signals as a new program expects them. */
static void child_setup(const struct runtime_io *io)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    int fds[3];
    for (int i = 0; i < 3; i++)
        fds[i] = io && io->fd[i] >= 0 ? io->fd[i] : null;
    for (int i = 0; i < 3; i++)
        if (dup2(fds[i], i) < 0 || fcntl(i, F_SETFD, 0) < 0)
            _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
}

static pid_t spawn(const char *path, char *const *argv, const struct runtime_io *io,
                   keel_err *err)
{
    pid_t pid = fork();
    if (pid < 0)
        return keel_syserror(err, "fork");
    if (pid == 0) {
        child_setup(io);
        if (strchr(path, '/') != NULL)
            execv(path, argv);
        else
            execvp(path, argv);
        _exit(127);
    }
    return pid;
}

/* RUNTIME [--root R] [--log CDIR/runtime.log --log-format json] ARGS... */
static pid_t spawn_runtime(const struct monitor_opts *o, const char *const *args,
                           const struct runtime_io *io, bool logged, keel_err *err)
{
    char log[PATH_MAX];
    log_path(o, log, sizeof log);
    /* the last error in it is this command's */
    if (logged && unlink(log) < 0 && errno != ENOENT)
        return keel_syserror(err, "remove %s", log);
    const char *argv[RUNTIME_MAX_ARGS];
    size_t n = 0;
    argv[n++] = o->runtime;
    if (o->runtime_root != NULL) {
        argv[n++] = "--root";
        argv[n++] = o->runtime_root;
    }
    if (logged) {
        argv[n++] = "--log";
        argv[n++] = log;
        argv[n++] = "--log-format";
        argv[n++] = "json";
    }
    for (size_t i = 0; args[i] != NULL && n < RUNTIME_MAX_ARGS - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return spawn(o->runtime, (char *const *)argv, io, err);
}

pid_t runtime_spawn(const struct monitor_opts *o, const char *const *args,
                    const struct runtime_io *io, keel_err *err)
{
    return spawn_runtime(o, args, io, true, err);
}

pid_t runtime_spawn_unlogged(const struct monitor_opts *o, const char *const *args,
                             keel_err *err)
{
    return spawn_runtime(o, args, NULL, false, err);
}

/* The message of the last "error" line of the runtime's JSON log. */
static int last_logged_error(const struct monitor_opts *o, char *msg, size_t len)
{
    char path[PATH_MAX];
    log_path(o, path, sizeof path);
    cleanup_fclose FILE *f = fopen(path, "re");
    if (f == NULL)
        return -1;
    cleanup_free char *line = NULL;
    size_t cap = 0;
    int found = -1;
    while (getline(&line, &cap, f) > 0) {
        struct keel_log_entry e;
        keel_err ignored;
        if (spec_parse(&spec_type_keel_log_entry, line, strlen(line), path, &e, &ignored) < 0)
            continue;
        if (e.level != NULL && strcmp(e.level, "error") == 0 && e.msg != NULL) {
            snprintf(msg, len, "%s", e.msg);
            found = 0;
        }
        spec_release(&spec_type_keel_log_entry, &e);
    }
    return found;
}

static int wait_child(pid_t pid, int *status)
{
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

int runtime_wait(const struct monitor_opts *o, pid_t pid, const char *what, keel_err *err)
{
    int status;
    if (wait_child(pid, &status) < 0)
        return keel_syserror(err, "wait for %s %s", o->runtime, what);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    char msg[sizeof err->msg];
    if (last_logged_error(o, msg, sizeof msg) == 0)
        return keel_error(err, 0, "%s", msg);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return keel_error(err, 0, "%s %s: cannot run %s", o->runtime, what, o->runtime);
    return keel_error(err, 0, "%s %s failed with status %d", o->runtime, what,
                      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

void runtime_wait_unlogged(pid_t pid)
{
    int status;
    /* its status has no reader (runtime_spawn_unlogged) */
    (void)wait_child(pid, &status);
}

int runtime_cmd(const struct monitor_opts *o, const char *const *args,
                const struct runtime_io *io, keel_err *err)
{
    pid_t pid = runtime_spawn(o, args, io, err);
    return pid < 0 ? -1 : runtime_wait(o, pid, args[0], err);
}

int run_program(const char *const *argv, keel_err *err)
{
    pid_t pid = spawn(argv[0], (char *const *)argv, NULL, err);
    int status;
    if (pid < 0)
        return -1;
    if (wait_child(pid, &status) < 0)
        return keel_syserror(err, "wait for %s", argv[0]);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int runtime_error_status(const char *msg)
{
    /* docker's mapping for run and exec: the program could not be found or
     * could not be executed; anything else is the engine's own failure */
    if (strcasestr(msg, "exec") == NULL)
        return 125;
    if (strcasestr(msg, "not found") != NULL || strcasestr(msg, "no such file or directory"))
        return 127;
    if (strcasestr(msg, "permission denied") != NULL || strcasestr(msg, "is a directory"))
        return 126;
    return 125;
}
