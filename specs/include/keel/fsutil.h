/* File helpers shared by runtime and imagetool: plain syscalls, errno on
 * failure (callers know what the file is and word the message). */
#ifndef KEEL_FSUTIL_H
#define KEEL_FSUTIL_H

#include <stddef.h>

#include "keel/error.h"

/* Writes all of buf, retrying short writes and EINTR; -1 with errno. */
int write_all(int fd, const void *buf, size_t len);

/* Reads fd to its end into a malloc'd, NUL-terminated buffer. `hint` sizes
 * the first allocation (the file's st_size); more than `max` bytes fails
 * with EFBIG. -1 with errno. */
int read_fd_all(int fd, size_t hint, size_t max, char **buf, size_t *len);

/* Reads a regular file of at most `max` bytes into a malloc'd, NUL-terminated
 * buffer; errors name the file ("PATH: not a regular file", "PATH: larger
 * than MAX bytes", "open PATH: ..."). A fifo or device is refused, not read. */
int read_file(const char *path, size_t max, char **buf, size_t *len, keel_err *err);

#endif
