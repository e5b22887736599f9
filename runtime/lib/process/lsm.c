/* AppArmor profiles and SELinux labels for the container's program (see lsm.h). */
#include "lsm.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "keel/cleanup.h"

bool lsm_apparmor_enabled(void)
{
    struct stat st;
    if (stat("/sys/kernel/security/apparmor", &st) < 0)
        return false;
    cleanup_close int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
    char c = 0;
    return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

bool lsm_selinux_enabled(void)
{
    struct statfs sfs;
    return statfs("/sys/fs/selinux", &sfs) == 0 && sfs.f_type == SELINUX_MAGIC;
}

int lsm_check(const struct oci_process *p, const char *what, keel_err *err)
{
    if (p == NULL)
        return 0;
    if (p->apparmorProfile != NULL && p->apparmorProfile[0] != '\0' && !lsm_apparmor_enabled())
        return keel_error(err, 0, "%s.apparmorProfile %s: AppArmor is not enabled on this host", what,
                          p->apparmorProfile);
    if (p->selinuxLabel != NULL && p->selinuxLabel[0] != '\0' && !lsm_selinux_enabled())
        return keel_error(err, 0, "%s.selinuxLabel %s: SELinux is not enabled on this host", what,
                          p->selinuxLabel);
    return 0;
}

/* Writes value into the first of the attr files that exists. */
static int write_attr(const char *const *files, const char *value, const char *field, keel_err *err)
{
    const char *file = files[0];
    cleanup_close int fd = -1;
    for (size_t i = 0; files[i] != NULL && fd < 0; i++)
        fd = open(file = files[i], O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return keel_syserror(err, "process.%s: open %s", field, file);
    size_t len = strlen(value);
    if (write(fd, value, len) != (ssize_t)len)
        return keel_syserror(err, "process.%s: write %s to %s", field, value, file);
    return 0;
}

int lsm_apply(const struct oci_process *p, keel_err *err)
{
    if (p->apparmorProfile != NULL && p->apparmorProfile[0] != '\0') {
        /* the AppArmor-specific file on kernels that stack modules, the shared one before */
        static const char *const files[] = {"/proc/thread-self/attr/apparmor/exec",
                                            "/proc/thread-self/attr/exec", NULL};
        char value[4200];
        snprintf(value, sizeof value, "exec %s", p->apparmorProfile);
        if (write_attr(files, value, "apparmorProfile", err) < 0)
            return -1;
    }
    if (p->selinuxLabel != NULL && p->selinuxLabel[0] != '\0') {
        static const char *const files[] = {"/proc/thread-self/attr/exec", NULL};
        if (write_attr(files, p->selinuxLabel, "selinuxLabel", err) < 0)
            return -1;
    }
    return 0;
}
