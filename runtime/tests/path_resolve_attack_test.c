/* In-root resolution under attack: a thread that keeps swapping a component
 * between a directory and symlinks that point at a host directory while
 * missing parts are created, and every error path with a bad root. Whatever
 * happens, nothing may be created or opened outside the root. No root needed. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "masked.h"
#include "mounts.h"
#include "path_resolve.h"

static char root[64], host[64];
static int rootfd = -1;

static void setup(void)
{
    snprintf(root, sizeof root, "/tmp/keel-test-security-root-XXXXXX");
    snprintf(host, sizeof host, "/tmp/keel-test-security-host-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    cr_assert_not_null(mkdtemp(host));
    rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(rootfd, 0);
}

static void teardown(void)
{
    close(rootfd);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", root, host);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(path_attack, .init = setup, .fini = teardown, .timeout = 60);

static bool host_is_empty(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", host);
    return system(cmd) == 0;
}

/* True when fd is the root or below it (its /proc path starts with root/). */
static bool fd_inside_root(int fd)
{
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0)
        return false;
    target[n] = '\0';
    size_t len = strlen(root);
    return strncmp(target, root, len) == 0 && (target[len] == '\0' || target[len] == '/');
}

struct swapper {
    atomic_bool stop;
    unsigned long swaps;
};

/* Keeps exchanging root/sw (a directory) with root/lnk (a symlink to the host
 * directory, absolute or climbing), atomically, so that every step of a walk
 * may meet either. */
static void *swap_loop(void *arg)
{
    struct swapper *s = arg;
    while (!atomic_load(&s->stop)) {
        if (renameat2(rootfd, "sw", rootfd, "lnk", RENAME_EXCHANGE) == 0)
            s->swaps++;
        if (renameat2(rootfd, "sw", rootfd, "lnk2", RENAME_EXCHANGE) == 0)
            s->swaps++;
    }
    return NULL;
}

static unsigned modes[] = { 0, PATH_NO_OPENAT2 };

ParameterizedTestParameters(path_attack, swapped_component_never_leaves_root)
{
    return cr_make_param_array(unsigned, modes, 2);
}

ParameterizedTest(unsigned *mode, path_attack, swapped_component_never_leaves_root)
{
    char climb[128];
    snprintf(climb, sizeof climb, "../../../../../../..%s", host);
    cr_assert_eq(mkdirat(rootfd, "sw", 0755), 0);
    cr_assert_eq(symlinkat(host, rootfd, "lnk"), 0);
    cr_assert_eq(symlinkat(climb, rootfd, "lnk2"), 0);
    struct swapper s = { 0 };
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, swap_loop, &s), 0);
    unsigned made = 0;
    /* the walk must meet the links at least once (checked below): under load
     * (sanitizers, a busy machine) 3000 rounds may all miss, so go on for up
     * to 10 s more until it has */
    char inside[256];
    snprintf(inside, sizeof inside, "%s%s", root, host);
    time_t deadline = time(NULL) + 10;
    for (int i = 0; i < 3000 || (access(inside, F_OK) != 0 && time(NULL) < deadline); i++) {
        char path[64];
        unsigned flags = *mode | (i % 2 ? PATH_CREATE_DIR : PATH_CREATE_FILE);
        snprintf(path, sizeof path, "/sw/d%d/x", i % 7);
        keel_err err = { 0 };
        int fd = path_open_in_root(rootfd, path, flags, &err);
        if (fd < 0)
            continue; /* a file where a directory is wanted, and so on */
        made++;
        cr_assert(fd_inside_root(fd), "%s resolved outside the root", path);
        close(fd);
        fd = path_open_in_root(rootfd, "/sw/..", *mode, &err);
        if (fd >= 0) { /* ENOENT while sw is a link to the host path */
            cr_assert(fd_inside_root(fd), "/sw/.. resolved outside the root");
            close(fd);
        }
    }
    atomic_store(&s.stop, true);
    pthread_join(t, NULL);
    cr_assert_gt(s.swaps, 0);
    cr_assert_gt(made, 0);
    cr_assert(host_is_empty(), "something was created in the host directory %s", host);
    /* the walk did meet the links: their target was made inside the root */
    cr_assert_eq(access(inside, F_OK), 0, "the race never hit a symlink (%lu swaps)", s.swaps);
}

ParameterizedTestParameters(path_attack, bad_root_fails_closed)
{
    return cr_make_param_array(unsigned, modes, 2);
}

/* A root that is not an open directory must fail, never fall back to the
 * current or the host's root directory. */
ParameterizedTest(unsigned *mode, path_attack, bad_root_fails_closed)
{
    char cwd[4096];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    cr_assert_eq(chdir(host), 0);
    keel_err err = { 0 };
    int bad[] = { -1, AT_FDCWD, 9999 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int fd = path_open_in_root(bad[i], "/made/here", *mode | PATH_CREATE_DIR, &err);
        cr_assert_eq(fd, -1, "root fd %d resolved", bad[i]);
        fd = path_open_in_root(bad[i], "/", *mode, &err);
        cr_assert_eq(fd, -1, "root fd %d: / resolved", bad[i]);
        char name[64];
        fd = path_open_parent_in_root(bad[i], "/made2/node", *mode | PATH_CREATE_DIR, name,
                                      sizeof name, &err);
        cr_assert_eq(fd, -1, "root fd %d: parent resolved", bad[i]);
    }
    /* a root that is a file */
    int ffd = openat(rootfd, "file", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    cr_assert_geq(ffd, 0);
    close(ffd);
    ffd = openat(rootfd, "file", O_PATH | O_CLOEXEC);
    cr_assert_eq(path_open_in_root(ffd, "/made/here", *mode | PATH_CREATE_DIR, &err), -1);
    close(ffd);
    /* a root that was removed: nothing is made anywhere */
    cr_assert_eq(mkdirat(rootfd, "gone", 0755), 0);
    int gfd = openat(rootfd, "gone", O_PATH | O_DIRECTORY | O_CLOEXEC);
    cr_assert_eq(unlinkat(rootfd, "gone", AT_REMOVEDIR), 0);
    cr_assert_eq(path_open_in_root(gfd, "/made/here", *mode | PATH_CREATE_DIR, &err), -1);
    close(gfd);
    cr_assert_eq(chdir(cwd), 0);
    cr_assert(host_is_empty(), "something was created in the current directory %s", host);
}

/* CVE-2025-31133: masking a file binds the container's /dev/null on it; a
 * /dev/null that is a symlink (to the very file, or out of the root), a
 * regular file or another device is refused before anything is mounted. */
Test(path_attack, fake_dev_null_is_refused_for_masking)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "set -e; cd '%s'; mkdir -p dev etc; echo s3cret > etc/secret", root);
    cr_assert_eq(system(cmd), 0);
    const char *fakes[] = { "ln -s /etc/secret dev/null", "ln -s ../../../../dev/null dev/null",
                            "ln -s /proc/self/root/dev/null dev/null", ": > dev/null",
                            "mknod dev/null c 1 5" };
    char *masked[] = { "/etc/secret" };
    for (size_t i = 0; i < sizeof fakes / sizeof fakes[0]; i++) {
        if (strncmp(fakes[i], "mknod", 5) == 0 && geteuid() != 0)
            continue;
        snprintf(cmd, sizeof cmd, "set -e; cd '%s'; rm -f dev/null; %s", root, fakes[i]);
        cr_assert_eq(system(cmd), 0);
        keel_err err = { 0 };
        cr_assert_eq(masked_paths_apply(rootfd, masked, 1, &err), -1, "%s was accepted", fakes[i]);
        cr_assert(strstr(err.msg, "maskedPaths[0]") != NULL, "%s: %s", fakes[i], err.msg);
    }
}

static void *fifo_swap_loop(void *arg)
{
    struct swapper *s = arg;
    while (!atomic_load(&s->stop))
        if (renameat2(rootfd, "src/f", rootfd, "fifo", RENAME_EXCHANGE) == 0)
            s->swaps++;
    return NULL;
}

/* tmpcopyup copies what the rootfs holds; a regular file swapped for a fifo
 * between its stat and its open (by a process sharing the rootfs) must not
 * hang the copy forever. The suite's timeout catches a hang: a test timeout
 * other than its suite's makes criterion's runner leak under --jobs 2. */
Test(path_attack, copyup_does_not_hang_on_a_swapped_fifo)
{
    cr_assert_eq(mkdirat(rootfd, "src", 0755), 0);
    int fd = openat(rootfd, "src/f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "data", 4), 4);
    close(fd);
    cr_assert_eq(mkfifoat(rootfd, "fifo", 0644), 0);
    struct swapper s = { 0 };
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, fifo_swap_loop, &s), 0);
    int src = openat(rootfd, "src", O_PATH | O_DIRECTORY | O_CLOEXEC);
    for (int i = 0; i < 300; i++) {
        char name[32];
        snprintf(name, sizeof name, "dst%d", i);
        cr_assert_eq(mkdirat(rootfd, name, 0755), 0);
        int dst = openat(rootfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
        keel_err err = { 0 };
        mount_copyup(src, dst, name, &err); /* may fail on the fifo; must return */
        close(dst);
    }
    atomic_store(&s.stop, true);
    pthread_join(t, NULL);
    close(src);
    cr_assert_gt(s.swaps, 0);
}
