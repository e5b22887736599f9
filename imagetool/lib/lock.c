/* Store locks: whole-file flock, released when the fd closes (or the process dies). */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

int lock_file(const char *path, bool exclusive, keel_err *err)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return keel_syserror(err, "open lock %s", path);
    int r;
    do
        r = flock(fd, exclusive ? LOCK_EX : LOCK_SH);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        keel_syserror(err, "lock %s", path);
        close(fd);
        return -1;
    }
    return fd;
}
