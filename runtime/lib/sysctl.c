/* Writing linux.sysctl into the container's /proc/sys. */
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <limits.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "keel/cleanup.h"

static const char *const ipc_keys[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

const char *sysctl_namespace(const char *key)
{
    char dotted[256];
    size_t len = strlen(key);
    if (len >= sizeof dotted)
        return NULL;
    for (size_t i = 0; i <= len; i++)
        dotted[i] = key[i] == '/' ? '.' : key[i];
    for (size_t i = 0; i < sizeof ipc_keys / sizeof ipc_keys[0]; i++)
        if (strcmp(dotted, ipc_keys[i]) == 0)
            return "ipc";
    if (strncmp(dotted, "fs.mqueue.", 10) == 0)
        return "ipc";
    if (strncmp(dotted, "net.", 4) == 0)
        return "network";
    if (strcmp(dotted, "kernel.hostname") == 0 || strcmp(dotted, "kernel.domainname") == 0)
        return "uts";
    return NULL;
}

int sysctl_path(const char *key, char *buf, size_t size, keel_err *err)
{
    size_t len = strlen(key);
    if (len == 0 || len >= size)
        return keel_error(err, EINVAL, "sysctl %s: bad key", key);
    bool slashed = strchr(key, '/') != NULL;
    for (size_t i = 0; i <= len; i++)
        buf[i] = !slashed && key[i] == '.' ? '/' : key[i];
    for (const char *c = buf; *c != '\0';) {
        size_t n = strcspn(c, "/");
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return keel_error(err, EINVAL, "sysctl %s: bad key", key);
        c += n + (c[n] == '/');
    }
    return 0;
}

/* The namespace types the container gets its own of (created or joined). */
static bool has_namespace(const struct oci_linux *l, const char *type)
{
    for (size_t i = 0; i < l->namespaces_len; i++)
        if (l->namespaces[i].type != NULL && strcmp(l->namespaces[i].type, type) == 0)
            return true;
    return false;
}

static int open_sysctl(int dirfd, const char *path)
{
    struct open_how how = {
        .flags = O_WRONLY | O_CLOEXEC | O_TRUNC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
    };
    int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    if (fd < 0 && errno == ENOSYS)
        fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_TRUNC | O_NOFOLLOW);
    return fd;
}

int sysctl_check(const struct oci_linux *l, keel_err *err)
{
    for (size_t i = 0; l != NULL && i < l->sysctl_len; i++) {
        const char *key = l->sysctl_keys[i], *ns = sysctl_namespace(key);
        /* it would fight `hostname` over the uts namespace's name: runc and crun refuse it */
        if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel/hostname") == 0)
            return keel_error(err, 0, "linux.sysctl.%s: not allowed, it conflicts with the hostname field",
                              key);
        if (ns == NULL)
            return keel_error(err, EPERM, "linux.sysctl.%s: not in a namespace the container owns", key);
        if (!has_namespace(l, ns))
            return keel_error(err, EPERM, "linux.sysctl.%s: needs the container's own %s namespace",
                              key, ns);
    }
    return 0;
}

int sysctl_apply(const struct oci_linux *l, keel_err *err)
{
    if (l == NULL || l->sysctl_len == 0)
        return 0;
    if (sysctl_check(l, err) < 0)
        return -1;
    /* Writes go only to the real procfs: never through a symlink or a mount over it. */
    cleanup_close int dirfd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct statfs sfs;
    if (dirfd < 0)
        return keel_syserror(err, "open /proc/sys");
    if (fstatfs(dirfd, &sfs) < 0)
        return keel_syserror(err, "statfs /proc/sys");
    if (sfs.f_type != PROC_SUPER_MAGIC)
        return keel_error(err, EPERM, "/proc/sys is not procfs");
    for (size_t i = 0; i < l->sysctl_len; i++) {
        char path[PATH_MAX];
        const char *key = l->sysctl_keys[i], *value = l->sysctl[i];
        if (sysctl_path(key, path, sizeof path, err) < 0)
            return keel_error_wrap(err, "linux.sysctl");
        cleanup_close int fd = open_sysctl(dirfd, path);
        if (fd < 0)
            return keel_syserror(err, "linux.sysctl: open /proc/sys/%s", path);
        size_t len = strlen(value);
        if (write(fd, value, len) != (ssize_t)len)
            return keel_syserror(err, "linux.sysctl: write %s to /proc/sys/%s", value, path);
    }
    return 0;
}
