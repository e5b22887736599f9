/* Running from a sealed memfd copy of keel (see exe_seal.h). */
#include "exe_seal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define EXE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

int exe_ensure_sealed(char **argv, keel_err *err)
{
    cleanup_close int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        return keel_syserror(err, "open /proc/self/exe");
    int seals = fcntl(self, F_GET_SEALS);
    if (seals >= 0 && (seals & EXE_SEALS) == EXE_SEALS)
        return 0;
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
    syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
    return keel_syserror(err, "exec the sealed keel copy");
}
