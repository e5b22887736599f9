/* keel's log: errors once on stderr as `keel: <msg>`, and every level into
 * --log FILE as text or as JSON lines ({"level","msg","time"}) that engines
 * read back. */
#ifndef KEEL_LOG_H
#define KEEL_LOG_H

#include <stdbool.h>

#include "keel/error.h"

enum log_format { LOG_TEXT, LOG_JSON };

/* Opens FILE for appending (NULL: stderr only). */
int log_setup(const char *file, enum log_format format, bool debug, keel_err *err);

/* An error: on stderr and into the log file. */
void log_error(const char *msg);
/* A warning: into the log file, or on stderr when there is none. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only with --debug. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
