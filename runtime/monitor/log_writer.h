/* CDIR/container.log in docker's json-file format, written as output
 * arrives: each line of a chunk is one entry, and a last piece without a
 * newline is an entry of its own (kept partial: nothing is added), all of a
 * chunk in one write with the time it was read. */
#ifndef KEEL_MONITOR_LOG_WRITER_H
#define KEEL_MONITOR_LOG_WRITER_H

#include <stddef.h>

#include "keel/error.h"

struct spec_writer;

struct log_writer {
    int fd;
    struct spec_writer *w;
};

/* Opens (appends to) `name` in dirfd. */
int log_writer_open(struct log_writer *l, int dirfd, const char *name, keel_err *err);
/* stream is "stdout" or "stderr"; time an RFC 3339 timestamp. */
int log_writer_chunk(struct log_writer *l, const char *stream, const char *time,
                     const char *buf, size_t len, keel_err *err);
void log_writer_close(struct log_writer *l);

#endif
