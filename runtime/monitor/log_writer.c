/* The json-file log writer (log_writer.h); the JSON comes from specs/. */
#include "log_writer.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "keel/container_log.h"
#include "keel/fsutil.h"

int log_writer_open(struct log_writer *l, int dirfd, const char *name, keel_err *err)
{
    l->w = NULL;
    l->fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (l->fd < 0)
        return keel_syserror(err, "open %s", name);
    if ((l->w = spec_writer_new(err)) == NULL) {
        log_writer_close(l);
        return -1;
    }
    return 0;
}

int log_writer_chunk(struct log_writer *l, const char *stream, const char *time,
                     const char *buf, size_t len, keel_err *err)
{
    struct docker_log_entry e = {.stream = (char *)stream, .time = (char *)time};
    spec_writer_clear(l->w);
    while (len > 0) {
        const char *nl = memchr(buf, '\n', len);
        size_t n = nl ? (size_t)(nl - buf) + 1 : len;
        e.log = (char *)buf;
        e.log_len = n;
        if (spec_writer_add(l->w, &spec_type_docker_log_entry, &e, err) < 0)
            return -1;
        buf += n;
        len -= n;
    }
    size_t out_len;
    const char *out = spec_writer_buf(l->w, &out_len);
    if (write_all(l->fd, out, out_len) < 0)
        return keel_syserror(err, "write container.log");
    return 0;
}

void log_writer_close(struct log_writer *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
    spec_writer_free(l->w);
    l->w = NULL;
}
