/* A container without a mount namespace: its mounts hang below the rootfs bind keel
 * makes, and one detach takes them all off (run in a private mount namespace). */
#include <criterion/criterion.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs.h"

/* The number of mounts at or below dir. */
static int mounts_under(const char *dir)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[4096], point[4096];
    int n = 0;
    size_t len = strlen(dir);
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 && strncmp(point, dir, len) == 0)
            n++;
    if (f != NULL)
        fclose(f);
    return n;
}

static int child(void)
{
    char dir[] = "/tmp/keel-shared-mntns-XXXXXX", sub[64];
    keel_err err = {0};
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mkdtemp(dir) == NULL)
        return 99;
    snprintf(sub, sizeof sub, "%s/proc", dir);
    struct oci_root root = {.path = dir};
    struct oci_config cfg = {.root = &root};
    char *bound = rootfs_bind_in_place(&cfg, NULL, &err);
    int r = 0;
    if (bound == NULL || strcmp(bound, dir) != 0 || mounts_under(dir) != 1)
        r = 1;
    else if (mkdir(sub, 0755) < 0 || mount("proc", sub, "proc", 0, NULL) < 0 || mounts_under(dir) != 2)
        r = 2;
    rootfs_detach(dir);
    if (r == 0 && mounts_under(dir) != 0)
        r = 3;
    rmdir(sub);
    rmdir(dir);
    free(bound);
    return r;
}

Test(shared_mntns, one_detach_takes_every_mount_off)
{
    if (geteuid() != 0)
        cr_skip_test("needs root");
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0)
        _exit(child());
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
}
