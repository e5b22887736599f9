/* The error type shared by every Keel library. */
#include "keel/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int error_vset(keel_err *err, int errnum, const char *fmt, va_list ap)
{
    if (err == NULL)
        return -1;
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    if (n < 0)
        n = 0;
    if (errnum != 0 && (size_t)n < sizeof err->msg)
        snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": %s", strerror(errnum));
    err->errnum = errnum;
    return -1;
}

int keel_error(keel_err *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, errnum, fmt, ap);
    va_end(ap);
    return -1;
}

int keel_syserror(keel_err *err, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, saved, fmt, ap);
    va_end(ap);
    errno = saved;
    return -1;
}

int keel_error_wrap(keel_err *err, const char *fmt, ...)
{
    if (err == NULL)
        return -1;
    char prefix[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* shift the old message right to make room for "prefix: " */
    size_t plen = strlen(prefix) + 2, cap = sizeof err->msg;
    if (plen >= cap)
        plen = cap - 1;
    size_t olen = strnlen(err->msg, cap - 1);
    if (plen + olen >= cap)
        olen = cap - 1 - plen;
    memmove(err->msg + plen, err->msg, olen);
    err->msg[plen + olen] = '\0';
    memcpy(err->msg, prefix, plen - 2 < cap ? plen - 2 : 0);
    if (plen >= 2) {
        err->msg[plen - 2] = ':';
        err->msg[plen - 1] = ' ';
    }
    return -1;
}
