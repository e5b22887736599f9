/* File helpers shared by runtime and imagetool (see keel/fsutil.h). */
#include "keel/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keel/cleanup.h"

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int read_fd_all(int fd, size_t hint, size_t max, char **buf, size_t *len)
{
    /* one byte past the hint, so a file read whole is seen to end in one go */
    size_t cap = (hint < max ? hint : max) + 1, got = 0;
    cleanup_free char *b = malloc(cap + 1);
    if (b == NULL)
        return -1;
    for (;;) {
        if (got == cap) {
            if (cap > max) {
                errno = EFBIG;
                return -1;
            }
            char *nb = realloc(b, cap * 2 + 1);
            if (nb == NULL)
                return -1;
            b = nb;
            cap *= 2;
        }
        ssize_t n = read(fd, b + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (got > max) {
        errno = EFBIG;
        return -1;
    }
    b[got] = '\0';
    *len = got;
    *buf = steal_ptr(b);
    return 0;
}

int read_file(const char *path, size_t max, char **buf, size_t *len, keel_err *err)
{
    /* O_NONBLOCK: opening a fifo planted at the path must not hang */
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return keel_syserror(err, "open %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return keel_syserror(err, "stat %s", path);
    if (!S_ISREG(st.st_mode))
        return keel_error(err, 0, "%s: not a regular file", path);
    if ((size_t)st.st_size > max)
        return keel_error(err, 0, "%s: larger than %zu bytes", path, max);
    if (read_fd_all(fd, (size_t)st.st_size, max, buf, len) < 0) {
        if (errno == EFBIG)
            return keel_error(err, 0, "%s: larger than %zu bytes", path, max);
        return keel_syserror(err, "read %s", path);
    }
    return 0;
}
