/* The container process' own settings and its exec (see process.h). */
#include "process.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "capabilities.h"
#include "log.h"
#include "lsm.h"
#include "mempolicy.h"
#include "scheduling.h"
#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#define KEYCTL_JOIN_SESSION_KEYRING 1
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS}, {"RLIMIT_CORE", RLIMIT_CORE}, {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA}, {"RLIMIT_FSIZE", RLIMIT_FSIZE}, {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE}, {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS}, {"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK},
};

int process_rlimit_resource(const char *name)
{
    for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
        if (strcmp(name, rlimit_names[i].name) == 0)
            return rlimit_names[i].resource;
    return -1;
}

static int apply_rlimits(const struct oci_process *p, keel_err *err)
{
    for (size_t i = 0; i < p->rlimits_len; i++) {
        const struct oci_rlimit *r = &p->rlimits[i];
        int res = r->type != NULL ? process_rlimit_resource(r->type) : -1;
        if (res < 0)
            return keel_error(err, 0, "process.rlimits[%zu].type: unknown rlimit %s", i,
                              r->type != NULL ? r->type : "(none)");
        struct rlimit want = {.rlim_cur = r->soft, .rlim_max = r->hard}, cur;
        if (setrlimit(res, &want) == 0)
            continue;
        int saved = errno;
        if (saved == EPERM && getrlimit(res, &cur) == 0 && want.rlim_max > cur.rlim_max)
            return keel_error(err, saved,
                              "process.rlimits[%zu] %s: cannot raise the hard limit to %llu above the current %llu (needs CAP_SYS_RESOURCE)",
                              i, r->type, (unsigned long long)want.rlim_max, (unsigned long long)cur.rlim_max);
        return keel_error(err, saved, "process.rlimits[%zu] %s: setrlimit soft %llu hard %llu", i,
                          r->type, (unsigned long long)r->soft, (unsigned long long)r->hard);
    }
    return 0;
}

static int apply_oom_score_adj(const struct oci_process *p, keel_err *err)
{
    if (!p->has_oomScoreAdj)
        return 0;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d", p->oomScoreAdj);
    cleanup_close int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, buf, (size_t)n) != n)
        return keel_syserror(err, "process.oomScoreAdj: write %d to /proc/self/oom_score_adj", p->oomScoreAdj);
    return 0;
}

static int apply_personality(const struct oci_config *cfg, keel_err *err)
{
    const struct oci_personality *pe = cfg->linux != NULL ? cfg->linux->personality : NULL;
    if (pe == NULL || pe->domain == NULL)
        return 0;
    unsigned long domain;
    if (strcmp(pe->domain, "LINUX") == 0)
        domain = PER_LINUX;
    else if (strcmp(pe->domain, "LINUX32") == 0)
        domain = PER_LINUX32;
    else
        return keel_error(err, 0, "linux.personality.domain: unknown domain %s", pe->domain);
    if (personality(domain) < 0)
        return keel_syserror(err, "linux.personality: personality(%s)", pe->domain);
    return 0;
}

/* Unlike runc, host files and terminals are left alone: `keel run` in the foreground
 * passes its own stdio on, where runc makes pipes. Where the kernel refuses (an owner
 * or uid not mapped in a user namespace), runc skips too. Only the uid changes. */
int process_chown_stdio(uid_t uid, keel_err *err)
{
    for (int fd = 0; fd < 3; fd++) {
        struct stat st;
        if (fstat(fd, &st) < 0) {
            if (errno == EBADF)
                continue;
            return keel_syserror(err, "fstat fd %d", fd);
        }
        if (st.st_uid == uid || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
            continue;
        if (fchown(fd, uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM && errno != EROFS)
            return keel_syserror(err, "chown fd %d to uid %u", fd, uid);
    }
    return 0;
}

static int apply_user(const struct oci_process *p, keel_err *err)
{
    const struct oci_user *u = p->user;
    uid_t uid = u != NULL ? u->uid : 0;
    gid_t gid = u != NULL ? u->gid : 0;
    size_t ngroups = u != NULL ? u->additionalGids_len : 0;
    gid_t groups[ngroups + 1];
    for (size_t i = 0; i < ngroups; i++)
        groups[i] = u->additionalGids[i];
    if (process_chown_stdio(uid, err) < 0)
        return -1;
    if (setgroups(ngroups, groups) < 0 && errno != EPERM)
        return keel_syserror(err, "process.user.additionalGids: setgroups");
    if (setresgid(gid, gid, gid) < 0)
        return keel_syserror(err, "process.user.gid: setgid %u", gid);
    if (setresuid(uid, uid, uid) < 0)
        return keel_syserror(err, "process.user.uid: setuid %u", uid);
    umask(u != NULL && u->has_umask ? u->umask : 022);
    return 0;
}

/* CVE-2024-21626: a cwd reached through a leaked host fd reads as
 * "(unreachable)/..." or fails; either way it is not inside the container. */
static int apply_cwd(const struct oci_process *p, keel_err *err)
{
    const char *cwd = p->cwd != NULL ? p->cwd : "/";
    if (cwd[0] != '/')
        return keel_error(err, 0, "process.cwd: %s is not an absolute path", cwd);
    if (chdir(cwd) < 0)
        return keel_syserror(err, "process.cwd: chdir %s", cwd);
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof buf) == NULL || buf[0] != '/')
        return keel_error(err, 0, "process.cwd: %s is outside the container's root", cwd);
    return 0;
}

/* The errno's text as runc (Go) prints it, lower-case: docker and podman read the exit
 * status 127 or 126 from "no such file or directory", "permission denied", ... */
static void errno_text(int errnum, char *buf, size_t len)
{
    snprintf(buf, len, "%s", strerror(errnum));
    buf[0] = (char)tolower((unsigned char)buf[0]);
}

/* `fmt` followed by the errno's text; the error keeps errnum. */
static int __attribute__((format(printf, 3, 4)))
runc_error(keel_err *err, int errnum, const char *fmt, ...)
{
    char what[PATH_MAX + 64], text[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    errno_text(errnum, text, sizeof text);
    keel_error(err, 0, "%s: %s", what, text);
    err->errnum = errnum;
    return -1;
}

int process_lookup(const char *file, char *const *env, size_t env_len, char *out, size_t len,
                   keel_err *err)
{
    if (file == NULL || *file == '\0')
        return keel_error(err, 0, "process.args[0] is empty");
    if (strchr(file, '/') != NULL) {
        struct stat st;
        if (stat(file, &st) < 0)
            return runc_error(err, errno, "exec: \"%s\": stat %s", file, file);
        if (!S_ISREG(st.st_mode) || access(file, X_OK) < 0)
            return runc_error(err, EACCES, "exec: \"%s\"", file);
        snprintf(out, len, "%s", file);
        return 0;
    }
    const char *path = DEFAULT_PATH;
    for (size_t i = 0; i < env_len; i++)
        if (strncmp(env[i], "PATH=", 5) == 0)
            path = env[i] + 5;
    for (const char *p = path;; p++) {
        const char *end = strchrnul(p, ':');
        const char *dir = end == p ? "." : p;
        int dlen = end == p ? 1 : (int)(end - p);
        int n = snprintf(out, len, "%.*s/%s", dlen, dir, file);
        if (n > 0 && (size_t)n < len) {
            struct stat st;
            if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
                return 0;
        }
        if (*end == '\0')
            break;
        p = end;
    }
    /* runc's words (Go's exec.LookPath), which docker and podman map to 127 */
    keel_error(err, 0, "exec: \"%s\": executable file not found in $PATH", file);
    err->errnum = ENOENT;
    return -1;
}

/* The user program starts with default dispositions and nothing blocked,
 * whatever keel's caller ignored (a shell's background job ignores SIGINT). */
static void signals_reset(void)
{
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Every fd above the preserved ones closes on exec; the preserved stay open. */
static int seal_fds(int preserve, keel_err *err)
{
    unsigned first = 3 + (unsigned)preserve;
    if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        return keel_syserror(err, "close_range");
    for (int fd = 3; fd < (int)first; fd++) {
        int fl = fcntl(fd, F_GETFD);
        if (fl >= 0 && fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
            return keel_syserror(err, "preserve fd %d", fd);
    }
    return 0;
}

void process_home(const char *path, uid_t uid, char *out, size_t len)
{
    snprintf(out, len, "/");
    cleanup_fclose FILE *f = fopen(path, "re");
    if (f == NULL)
        return;
    char line[4096];
    while (fgets(line, sizeof line, f) != NULL) {
        /* name:password:uid:gid:gecos:home:shell */
        char *field[7] = {NULL}, *s = line;
        size_t n = 0;
        line[strcspn(line, "\n")] = '\0';
        for (char *tok; n < 7 && (tok = strsep(&s, ":")) != NULL;)
            field[n++] = tok;
        char *end;
        if (n < 6 || field[2][0] == '\0')
            continue;
        unsigned long v = strtoul(field[2], &end, 10);
        if (*end != '\0' || v != (unsigned long)uid)
            continue;
        if (field[5][0] != '\0')
            snprintf(out, len, "%s", field[5]);
        return;
    }
}

/* HOME for the program when process.env has none (runc's rule). */
static void find_home(const struct oci_process *p, struct process_ready *ready)
{
    ready->home[0] = '\0';
    for (size_t i = 0; i < p->env_len; i++)
        if (strncmp(p->env[i], "HOME=", 5) == 0)
            return;
    char home[PATH_MAX - 5];
    process_home("/etc/passwd", p->user != NULL ? p->user->uid : 0, home, sizeof home);
    snprintf(ready->home, sizeof ready->home, "HOME=%s", home);
}

int process_new_session(keel_err *err)
{
    return setsid() < 0 ? keel_syserror(err, "setsid") : 0;
}

int process_prepare(const struct oci_config *cfg, const struct oci_process *p,
                    const struct process_opts *o, struct process_ready *ready, keel_err *err)
{
    if (!o->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
        errno != ENOSYS)
        log_debug("new session keyring: %s", strerror(errno));
    if (apply_rlimits(p, err) < 0 || apply_oom_score_adj(p, err) < 0 || apply_personality(cfg, err) < 0 ||
        scheduler_apply(p, err) < 0 || io_priority_apply(p, err) < 0 ||
        memory_policy_apply(cfg, err) < 0)
        return -1;
    if (p->noNewPrivileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return keel_syserror(err, "process.noNewPrivileges");
    if (lsm_apply(p, err) < 0)
        return -1;
    /* read as root, before the user switch, as runc does */
    find_home(p, ready);
    if (p->capabilities != NULL && caps_apply_bounding(p->capabilities, err) < 0)
        return -1;
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return keel_syserror(err, "keep capabilities across setuid");
    if (apply_user(p, err) < 0)
        return -1;
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return keel_syserror(err, "keep capabilities across setuid");
    /* Without noNewPrivileges, loading the filter takes CAP_SYS_ADMIN: it stays in the
     * effective and permitted sets up to the load, right before execve. execve then
     * computes the program's sets from inheritable, bounding and ambient only (and the
     * file's), never from the old permitted or effective ones, so the program gets
     * exactly the configured capabilities, and no syscall of keel's runs under the
     * profile but execve (runc loads it before the capability drop). */
    int for_filter = o->seccomp != NULL && !p->noNewPrivileges ? CAP_SYS_ADMIN : -1;
    if (p->capabilities != NULL ? caps_apply(p->capabilities, for_filter, err) < 0
                                : caps_raise_effective(for_filter, err) < 0)
        return -1;
    if (apply_cwd(p, err) < 0)
        return -1;
    if (p->args_len == 0)
        return keel_error(err, 0, "process.args is empty");
    if (process_lookup(p->args[0], p->env, p->env_len, ready->path, sizeof ready->path, err) < 0)
        return keel_error_wrap(err, "process.args[0]");
    if (seal_fds(o->preserve_fds, err) < 0)
        return -1;
    /* a NOTIFY listener fd must reach the runtime while it still listens */
    return keel_seccomp_apply(o->seccomp, KEEL_SECCOMP_PREPARED, o->seccomp_fd_sock, err);
}

int process_exec(const struct oci_config *cfg, const struct oci_process *p,
                 const struct process_opts *o, const struct process_ready *ready, keel_err *err)
{
    (void)cfg;
    signals_reset();
    /* as late as possible: the fewest of keel's own syscalls under the filter */
    if (keel_seccomp_apply(o->seccomp, KEEL_SECCOMP_BEFORE_EXEC, o->seccomp_fd_sock, err) < 0)
        return -1;
    /* the spec arrays carry a length, execve wants NULL-terminated vectors */
    char *argv[p->args_len + 1], *envp[p->env_len + 2];
    memcpy(argv, p->args, p->args_len * sizeof *argv);
    argv[p->args_len] = NULL;
    if (p->env_len > 0)
        memcpy(envp, p->env, p->env_len * sizeof *envp);
    size_t n = p->env_len;
    if (ready->home[0] != '\0')
        envp[n++] = (char *)ready->home;
    envp[n] = NULL;
    execve(ready->path, argv, envp);
    return runc_error(err, errno, "exec %s", ready->path);
}
