/* Running from a read-only view of keel (see exe_seal.h). */
#include "exe_seal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define EXE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static bool exe_is_read_only(int self)
{
    int seals = fcntl(self, F_GET_SEALS);
    if (seals >= 0 && (seals & EXE_SEALS) == EXE_SEALS)
        return true;
    struct statvfs vfs;
    return fstatvfs(self, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

/* A detached, read-only bind mount of the binary; -1 if the kernel cannot. */
static int exe_read_only_mount(void)
{
    int fd = open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (fd < 0)
        return -1;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int exe_sealed_copy(int self, keel_err *err)
{
    struct stat st;
    if (fstat(self, &st) < 0)
        return keel_syserror(err, "stat /proc/self/exe");
    cleanup_close int mfd = memfd_create("keel", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (mfd < 0)
        return keel_syserror(err, "memfd_create");
    for (off_t left = st.st_size; left > 0;) {
        ssize_t n = sendfile(mfd, self, NULL, (size_t)left);
        if (n <= 0)
            return keel_syserror(err, "copy keel into a memfd");
        left -= n;
    }
    if (fcntl(mfd, F_ADD_SEALS, EXE_SEALS) < 0)
        return keel_syserror(err, "seal the keel memfd");
    return steal_fd(mfd);
}

int exe_ensure_sealed(char **argv, keel_err *err)
{
    cleanup_close int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        return keel_syserror(err, "open /proc/self/exe");
    if (exe_is_read_only(self))
        return 0;
    cleanup_close int fd = exe_read_only_mount();
    if (fd < 0 && (fd = exe_sealed_copy(self, err)) < 0)
        return -1;
    syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
    return keel_syserror(err, "exec keel from a read-only copy");
}
