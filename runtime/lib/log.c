/* keel's log (see log.h). */
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "keel/runtime_log.h"
#include "util.h"

static int log_file = -1;
static enum log_format log_fmt = LOG_TEXT;
static bool log_debug_on;

int log_setup(const char *file, enum log_format format, bool debug, keel_err *err)
{
    log_fmt = format;
    log_debug_on = debug;
    if (file == NULL || *file == '\0')
        return 0;
    log_file = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (log_file < 0)
        return keel_syserror(err, "open log %s", file);
    return 0;
}

static void log_write(const char *level, const char *msg)
{
    char now[64];
    time_rfc3339(now, sizeof now);
    if (log_fmt == LOG_JSON) {
        struct keel_log_entry e = {.level = (char *)level, .msg = (char *)msg, .time = now};
        size_t len;
        cleanup_free char *line = spec_generate(&spec_type_keel_log_entry, &e, false, &len, NULL);
        if (line != NULL) {
            line[len] = '\n';
            /* a failed log write has nowhere better to be reported */
            (void)!write(log_file, line, len + 1);
        }
        return;
    }
    dprintf(log_file, "time=\"%s\" level=%s msg=\"%s\"\n", now, level, msg);
}

void log_error(const char *msg)
{
    fprintf(stderr, "keel: %s\n", msg);
    if (log_file >= 0)
        log_write("error", msg);
}

static void log_vlevel(const char *level, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (log_file >= 0)
        log_write(level, msg);
    else
        fprintf(stderr, "keel: %s: %s\n", level, msg);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vlevel("warning", fmt, ap);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    if (!log_debug_on)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_vlevel("debug", fmt, ap);
    va_end(ap);
}
