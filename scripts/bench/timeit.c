/* The benchmarks' timer: runs a command and writes its wall time and peak RSS
 * to a file, so that what is timed is the command alone, not the harness.
 *
 *   timeit RESULT_FILE CMD [ARG...]
 *
 * RESULT_FILE gets "<seconds> <peak RSS KiB>\n"; the exit status is the
 * command's (128+N if signal N killed it, 127 if it could not be run). The
 * clock starts just before fork and stops when wait4 returns. The peak RSS is
 * wait4's ru_maxrss: the largest of the command and its waited-for children,
 * where this small program's own image is the lower bound (a fork from Python
 * would have carried Python's RSS into the count, and /usr/bin/time's exec
 * with Python's pipe handling added about a millisecond to every reading). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: timeit RESULT_FILE CMD [ARG...]\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "we");
    if (out == NULL) {
        fprintf(stderr, "timeit: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "timeit: fork: %s\n", strerror(errno));
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "timeit: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "timeit: wait4: %s\n", strerror(errno));
            return 2;
        }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double secs = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    fprintf(out, "%.9f %ld\n", secs, ru.ru_maxrss);
    if (fclose(out) != 0) {
        fprintf(stderr, "timeit: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
