/* Errors that carry context up to the one place that prints them. */
#ifndef KEEL_ERROR_H
#define KEEL_ERROR_H

#include <stddef.h>

/* A failure: the errno behind it (0 when none) and a message that names the
 * thing that failed ("mount proc on /proc: Operation not permitted"). Lives
 * on the caller's stack; nothing to free. */
typedef struct keel_err {
    int errnum;
    char msg[8192]; /* room for a path of PATH_MAX bytes, printed whole */
} keel_err;

/* Sets *err from a format; errnum, when non-zero, appends ": strerror".
 * Returns -1 so that a failing function can `return keel_error(...)`. */
int keel_error(keel_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same as keel_error(err, errno, ...). */
int keel_syserror(keel_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefixes context to an error already set: "ctx: <old message>". Returns -1. */
int keel_error_wrap(keel_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
