/* keel-netguard: one per networked keel-docker container. It holds the
 * container's published host ports (a bound socket each, as docker-proxy
 * does, so that a host program binding one gets EADDRINUSE while iptables'
 * DNAT does the forwarding), and when the process it watches (the
 * container's monitor) dies without the network having been torn down, it
 * becomes the teardown command. keel-docker-net starts, retargets (SIGHUP
 * after writing the watch file) and ends it (SIGTERM).
 *
 *   keel-netguard --pid PID --pid-file F --watch-file W [--hold PROTO:IP:PORT]... -- CMD...
 *
 * Prints the bound port of each --hold (PORT 0 asks the kernel for a free
 * one), forks, and exits 0 once the ports are held. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "keel/cleanup.h"

#define MAX_HOLDS 256

struct hold {
    int type; /* SOCK_STREAM or SOCK_DGRAM */
    struct sockaddr_in addr;
};

static int fail(const char *what, const char *arg)
{
    fprintf(stderr, "keel-netguard: %s %s%s%s\n", what, arg, errno ? ": " : "",
            errno ? strerror(errno) : "");
    return -1;
}

/* PROTO:IP:PORT -> a hold. */
static int parse_hold(const char *spec, struct hold *h)
{
    char proto[8], ip[64];
    unsigned port;
    char extra;
    errno = 0;
    if (sscanf(spec, "%7[a-z]:%63[0-9.]:%u%c", proto, ip, &port, &extra) != 3 || port > 65535)
        return fail("invalid hold", spec);
    if (strcmp(proto, "tcp") == 0)
        h->type = SOCK_STREAM;
    else if (strcmp(proto, "udp") == 0)
        h->type = SOCK_DGRAM;
    else
        return fail("invalid protocol in", spec);
    memset(&h->addr, 0, sizeof h->addr);
    h->addr.sin_family = AF_INET;
    h->addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, ip, &h->addr.sin_addr) != 1)
        return fail("invalid address in", spec);
    return 0;
}

/* A socket bound (and for TCP listening) on the hold's address; its port on stdout. */
static int bind_hold(const char *spec, struct hold *h)
{
    int fd = socket(AF_INET, h->type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail("socket for", spec);
    int one = 1;
    /* a port in TIME_WAIT from an earlier run is free, as for docker-proxy */
    if (h->type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
        close(fd);
        return fail("setsockopt on", spec);
    }
    struct sockaddr_in got;
    socklen_t len = sizeof got;
    if (bind(fd, (struct sockaddr *)&h->addr, sizeof h->addr) < 0 ||
        (h->type == SOCK_STREAM && listen(fd, 1) < 0) ||
        getsockname(fd, (struct sockaddr *)&got, &len) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return fail("bind", spec);
    }
    printf("%u\n", ntohs(got.sin_port));
    return fd;
}

static int pidfd_of(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

/* The pid in the watch file (0 when unreadable). */
static pid_t read_watch(const char *path)
{
    cleanup_fclose FILE *f = fopen(path, "re");
    long pid = 0;
    if (f == NULL || fscanf(f, "%ld", &pid) != 1)
        return 0;
    return (pid_t)pid;
}

static int write_pid_file(const char *path, pid_t pid)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return fail("path too long:", path);
    cleanup_fclose FILE *f = fopen(tmp, "we");
    if (f == NULL || fprintf(f, "%d\n", (int)pid) < 0 || fflush(f) != 0)
        return fail("write", tmp);
    if (rename(tmp, path) < 0)
        return fail("rename to", path);
    return 0;
}

/* Waits until the watched process is gone (0) or SIGTERM came (1). */
static int watch(pid_t pid, const char *watch_file)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    cleanup_close int sfd = signalfd(-1, &set, SFD_CLOEXEC);
    if (sfd < 0)
        return 0;
    cleanup_close int pfd = pidfd_of(pid);
    for (;;) {
        if (pfd < 0)
            return 0;
        struct pollfd p[2] = {{.fd = sfd, .events = POLLIN}, {.fd = pfd, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return 0;
        }
        /* a retarget is read before the old target's end counts */
        if (p[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                if (si.ssi_signo != SIGHUP)
                    return 1;
                pid_t next = read_watch(watch_file);
                if (next > 0) {
                    close(pfd);
                    pfd = pidfd_of(next);
                }
            }
            continue;
        }
        if (p[1].revents & (POLLIN | POLLHUP))
            return 0;
    }
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pid", required_argument, NULL, 'p'},
        {"pid-file", required_argument, NULL, 'f'},
        {"watch-file", required_argument, NULL, 'w'},
        {"hold", required_argument, NULL, 'H'},
        {0},
    };
    static struct hold holds[MAX_HOLDS];
    const char *pid_file = NULL, *watch_file = NULL;
    char *specs[MAX_HOLDS];
    size_t n = 0;
    pid_t pid = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': pid = (pid_t)atol(optarg); break;
        case 'f': pid_file = optarg; break;
        case 'w': watch_file = optarg; break;
        case 'H':
            if (n == MAX_HOLDS || parse_hold(optarg, &holds[n]) < 0)
                return 1;
            specs[n++] = optarg;
            break;
        default: return 1;
        }
    }
    if (pid <= 0 || pid_file == NULL || watch_file == NULL || optind >= argc) {
        fprintf(stderr, "usage: keel-netguard --pid PID --pid-file F --watch-file W "
                        "[--hold PROTO:IP:PORT]... -- CMD...\n");
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        if (bind_hold(specs[i], &holds[i]) < 0)
            return 1;
    /* the signals wait for signalfd from before the fork: none is lost */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    if (fflush(stdout) != 0)
        return 1;
    pid_t child = fork();
    if (child < 0)
        return fail("fork", "");
    if (child > 0)
        return write_pid_file(pid_file, child) < 0 ? 1 : 0;
    setsid();
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    if (chdir("/") < 0)
        _exit(1);
    if (watch(pid, watch_file) == 1)
        _exit(0);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    execvp(argv[optind], &argv[optind]);
    _exit(127);
}
