/* Shared helpers (see util.h). */
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int write_file_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                      keel_err *err)
{
    char tmp[256];
    snprintf(tmp, sizeof tmp, ".%s.tmp", name);
    cleanup_close int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return keel_syserror(err, "create %s", tmp);
    if (write_all(fd, data, len) < 0) {
        keel_syserror(err, "write %s", tmp);
        unlinkat(dirfd, tmp, 0);
        return -1;
    }
    if (renameat(dirfd, tmp, dirfd, name) < 0) {
        keel_syserror(err, "rename %s to %s", tmp, name);
        unlinkat(dirfd, tmp, 0);
        return -1;
    }
    return 0;
}

int proc_start_time(pid_t pid, uint64_t *start, bool *zombie)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* the command name may hold spaces and parentheses: fields start after the last ')' */
    char *p = strrchr(buf, ')');
    if (p == NULL || p[1] != ' ')
        return -1;
    p += 2;
    char state = *p;
    /* state is field 3; starttime is field 22 */
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (p == NULL)
            return -1;
        p++;
    }
    if (sscanf(p, "%" SCNu64, start) != 1)
        return -1;
    if (zombie != NULL)
        *zombie = state == 'Z' || state == 'X';
    return 0;
}

bool proc_alive(pid_t pid, uint64_t start)
{
    uint64_t now;
    bool zombie;
    if (pid <= 0 || proc_start_time(pid, &now, &zombie) < 0)
        return false;
    return !zombie && now == start;
}

int proc_write_oom_score_adj(pid_t pid, int value, keel_err *err)
{
    char path[64], buf[32];
    if (pid > 0)
        snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)pid);
    else
        snprintf(path, sizeof path, "/proc/self/oom_score_adj");
    int n = snprintf(buf, sizeof buf, "%d", value);
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, buf, (size_t)n) != n)
        return keel_syserror(err, "process.oomScoreAdj: write %d to %s", value, path);
    return 0;
}

void time_rfc3339(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

int mkdir_p(const char *path, mode_t mode, keel_err *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return keel_error(err, ENAMETOOLONG, "mkdir %s", path);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
            return keel_syserror(err, "mkdir %s", buf);
        if (c == '\0')
            return 0;
        *p = c;
    }
}

char *path_absolute(const char *path, keel_err *err)
{
    char *out;
    if (path[0] == '/') {
        out = strdup(path);
    } else {
        char cwd[4096];
        if (getcwd(cwd, sizeof cwd) == NULL) {
            keel_syserror(err, "getcwd");
            return NULL;
        }
        if (strcmp(path, ".") == 0)
            out = strdup(cwd);
        else if (asprintf(&out, "%s/%s", cwd, path) < 0)
            out = NULL;
    }
    if (out == NULL)
        keel_error(err, ENOMEM, "%s", path);
    return out;
}

void kill_and_reap(pid_t *pid)
{
    if (*pid <= 0)
        return;
    int saved = errno;
    kill(*pid, SIGKILL);
    while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
        ;
    *pid = -1;
    errno = saved;
}
