/* The log reader (logs.h). */
#include "logs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "keel/container_log.h"
#include "proto.h"

/* --- times ---------------------------------------------------------------- */

static int parse_digits(const char **p, int n, int *out)
{
    *out = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        *out = *out * 10 + (**p - '0');
    }
    return 0;
}

/* "[.frac]" into nanoseconds */
static long parse_fraction(const char **p)
{
    long ns = 0, scale = 100000000;
    if (**p != '.')
        return 0;
    for ((*p)++; **p >= '0' && **p <= '9'; (*p)++, scale /= 10)
        ns += (**p - '0') * scale;
    return ns;
}

static int parse_rfc3339(const char *s, struct timespec *out)
{
    struct tm tm = {0};
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (parse_digits(&p, 4, &y) < 0 || *p++ != '-' || parse_digits(&p, 2, &mo) < 0 ||
        *p++ != '-' || parse_digits(&p, 2, &d) < 0)
        return -1;
    long ns = 0;
    bool zoned = false;
    long offset = 0;
    if (*p == 'T') {
        p++;
        if (parse_digits(&p, 2, &h) < 0 || *p++ != ':' || parse_digits(&p, 2, &mi) < 0)
            return -1;
        if (*p == ':' && (p++, parse_digits(&p, 2, &sec) < 0))
            return -1;
        ns = parse_fraction(&p);
        if (*p == 'Z') {
            zoned = true;
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om, sign = *p++ == '-' ? -1 : 1;
            if (parse_digits(&p, 2, &oh) < 0 || *p++ != ':' || parse_digits(&p, 2, &om) < 0)
                return -1;
            zoned = true;
            offset = sign * (oh * 3600L + om * 60L);
        }
    }
    if (*p != '\0')
        return -1;
    tm = (struct tm){.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                     .tm_min = mi, .tm_sec = sec, .tm_isdst = -1};
    time_t t = zoned ? timegm(&tm) - offset : mktime(&tm);
    *out = (struct timespec){.tv_sec = t, .tv_nsec = ns};
    return 0;
}

/* A Go duration: ("1h30m", "1.5s", "300ms") into nanoseconds. */
static int parse_duration(const char *s, long double *ns)
{
    static const struct { const char *unit; long double ns; } units[] = {
        {"ns", 1}, {"us", 1e3}, {"µs", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9},
    };
    *ns = 0;
    if (*s == '\0')
        return -1;
    while (*s) {
        char *end;
        long double v = strtold(s, &end);
        if (end == s || v < 0)
            return -1;
        size_t best = 0, best_len = 0;
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            size_t l = strlen(units[i].unit);
            if (strncmp(end, units[i].unit, l) == 0 && l > best_len) {
                best = i;
                best_len = l;
            }
        }
        if (best_len == 0)
            return -1;
        *ns += v * units[best].ns;
        s = end + best_len;
    }
    return 0;
}

int logs_time_parse(const char *s, const struct timespec *now, struct timespec *out,
                    keel_err *err)
{
    if (parse_rfc3339(s, out) == 0)
        return 0;
    char *end;
    errno = 0;
    long long secs = strtoll(s, &end, 10);
    if (end != s && errno == 0 && (*end == '\0' || *end == '.')) {
        const char *frac = end;
        long ns = parse_fraction(&frac);
        if (*frac == '\0') {
            *out = (struct timespec){.tv_sec = (time_t)secs, .tv_nsec = ns};
            return 0;
        }
    }
    long double ns;
    if (parse_duration(s, &ns) == 0) {
        long double t = (long double)now->tv_sec * 1e9L + now->tv_nsec - ns;
        out->tv_sec = (time_t)(t / 1e9L);
        out->tv_nsec = (long)(t - (long double)out->tv_sec * 1e9L);
        return 0;
    }
    return keel_error(err, EINVAL, "invalid time '%s': use RFC 3339, a Unix time or a "
                      "duration such as 10m", s);
}

static int ts_cmp(const struct timespec *a, const struct timespec *b)
{
    if (a->tv_sec != b->tv_sec)
        return a->tv_sec < b->tv_sec ? -1 : 1;
    return a->tv_nsec < b->tv_nsec ? -1 : a->tv_nsec > b->tv_nsec;
}

/* --- reading -------------------------------------------------------------- */

/* The offset of the last `tail` entries (lines) of the file. */
static off_t tail_offset(int fd, long tail)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return 0;
    off_t pos = st.st_size;
    long newlines = 0;
    char buf[65536];
    /* the file's last newline ends the last entry: count one more */
    while (pos > 0) {
        size_t n = pos < (off_t)sizeof buf ? (size_t)pos : sizeof buf;
        pos -= (off_t)n;
        if (pread(fd, buf, n, pos) != (ssize_t)n)
            return 0;
        for (size_t i = n; i-- > 0;)
            if (buf[i] == '\n' && ++newlines == tail + 1)
                return pos + (off_t)i + 1;
    }
    return 0;
}

static void print_entry(const struct logs_opts *o, const char *line, size_t len)
{
    struct docker_log_entry e;
    keel_err err;
    /* a line that is not an entry (a torn write after a crash) is skipped */
    if (spec_parse(&spec_type_docker_log_entry, line, len, "container.log", &e, &err) < 0)
        return;
    struct timespec t = {0};
    bool timed = (o->has_since || o->has_until) && e.time != NULL && parse_rfc3339(e.time, &t) == 0;
    if ((o->has_since && timed && ts_cmp(&t, &o->since) < 0) ||
        (o->has_until && timed && ts_cmp(&t, &o->until) > 0)) {
        spec_release(&spec_type_docker_log_entry, &e);
        return;
    }
    FILE *out = e.stream != NULL && strcmp(e.stream, "stderr") == 0 ? stderr : stdout;
    if (o->timestamps)
        fprintf(out, "%s ", e.time ? e.time : "");
    fwrite(e.log, 1, e.log_len, out);
    spec_release(&spec_type_docker_log_entry, &e);
}

struct reader {
    char *buf;
    size_t len, cap;
};

/* Reads what the file holds now and prints its complete lines. */
static int read_more(int fd, struct reader *r, const struct logs_opts *o, keel_err *err)
{
    for (;;) {
        if (r->cap - r->len < 65536) {
            size_t cap = r->cap ? r->cap * 2 : 131072;
            char *nb = realloc(r->buf, cap);
            if (nb == NULL)
                return keel_error(err, ENOMEM, "container.log");
            r->buf = nb;
            r->cap = cap;
        }
        ssize_t n = read(fd, r->buf + r->len, r->cap - r->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return keel_syserror(err, "read container.log");
        if (n == 0)
            return 0;
        r->len += (size_t)n;
        size_t start = 0;
        for (char *nl; (nl = memchr(r->buf + start, '\n', r->len - start)) != NULL;) {
            size_t end = (size_t)(nl - r->buf);
            print_entry(o, r->buf + start, end - start);
            start = end + 1;
        }
        memmove(r->buf, r->buf + start, r->len - start);
        r->len -= start;
    }
}

/* A connection the monitor closes when it exits for good; -1 when it is gone. */
static int hold_monitor(const char *dir)
{
    keel_err ignored;
    int fd = attach_sock_connect(dir, &ignored);
    if (fd >= 0 && frame_send(fd, F_HOLD, NULL, 0) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int follow(int fd, struct reader *r, const char *path, int hold,
                  const struct logs_opts *o, keel_err *err)
{
    cleanup_close int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (in < 0 || inotify_add_watch(in, path, IN_MODIFY) < 0)
        return keel_syserror(err, "inotify %s", path);
    /* what was written between the first read and the watch */
    if (read_more(fd, r, o, err) < 0)
        return -1;
    for (;;) {
        fflush(stdout);
        fflush(stderr);
        struct pollfd p[2] = {{.fd = in, .events = POLLIN}, {.fd = hold, .events = POLLIN}};
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            return keel_syserror(err, "poll");
        char ev[4096];
        while (read(in, ev, sizeof ev) > 0)
            ;
        if (read_more(fd, r, o, err) < 0)
            return -1;
        /* the monitor is gone: the log is complete */
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
            return read_more(fd, r, o, err);
    }
}

int logs_run(const char *dir, const struct logs_opts *o, keel_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/container.log", dir);
    cleanup_close int hold = o->follow ? hold_monitor(dir) : -1;
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    /* a container that never wrote has no log yet; a CDIR that is not there is an error */
    if (fd < 0 && errno == ENOENT && access(dir, F_OK) == 0)
        return 0;
    if (fd < 0)
        return keel_syserror(err, "open %s", path);
    static char outbuf[1 << 16], errbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    setvbuf(stderr, errbuf, _IOFBF, sizeof errbuf);
    if (o->tail >= 0 && lseek(fd, tail_offset(fd, o->tail), SEEK_SET) < 0)
        return keel_syserror(err, "seek %s", path);
    struct reader r = {0};
    int rc = read_more(fd, &r, o, err);
    if (rc == 0 && hold >= 0)
        rc = follow(fd, &r, path, hold, o, err);
    free(r.buf);
    fflush(stdout);
    fflush(stderr);
    return rc;
}
