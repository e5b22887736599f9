/* Installing a compiled filter with seccomp(2), and keeping one in the state
 * directory so that `exec` does not compile the profile again. */
#include "seccomp_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "keel/cleanup.h"

int keel_seccomp_load(const struct keel_seccomp *f, int *listener_fd, keel_err *err)
{
    *listener_fd = -1;
    struct sock_fprog prog = { .len = (unsigned short)f->prog_len, .filter = f->prog };
    unsigned int flags = f->flags;
    if (f->notify) {
        flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        /* TSYNC reports a failing thread by its TID, which would be mistaken
         * for the listener fd; ESRCH makes it an error instead. */
        if (flags & SECCOMP_FILTER_FLAG_TSYNC)
            flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    } else {
        /* The kernel takes it only with a listener (libseccomp drops it too). */
        flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    }
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (rc < 0 && errno == EACCES)
        return keel_syserror(err, "load seccomp filter (it needs noNewPrivileges or "
                             "CAP_SYS_ADMIN)");
    if (rc < 0)
        return keel_syserror(err, "load seccomp filter");
    if (f->notify)
        *listener_fd = (int)rc;
    else if (rc > 0)
        return keel_error(err, 0, "load seccomp filter: thread %ld could not be synchronized", rc);
    return 0;
}

/* The saved form: this header, the listener path and metadata, then the program. */
struct saved_header {
    char magic[8];
    uint32_t flags;
    uint32_t notify;
    uint32_t prog_len;
    uint32_t path_len;
    uint32_t metadata_len;
};

static const char saved_magic[8] = "KEELBPF1";

static int write_all(int fd, const void *buf, size_t len)
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

int keel_seccomp_save(const struct keel_seccomp *f, const char *path, keel_err *err)
{
    struct saved_header h = {
        .flags = f->flags,
        .notify = f->notify,
        .prog_len = (uint32_t)f->prog_len,
        .path_len = f->listener_path ? (uint32_t)strlen(f->listener_path) : UINT32_MAX,
        .metadata_len = f->listener_metadata ? (uint32_t)strlen(f->listener_metadata) : UINT32_MAX,
    };
    memcpy(h.magic, saved_magic, sizeof h.magic);
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return keel_error(err, ENAMETOOLONG, "save seccomp filter to %s", path);
    cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return keel_syserror(err, "create %s", tmp);
    if (write_all(fd, &h, sizeof h) < 0 ||
        (f->listener_path && write_all(fd, f->listener_path, h.path_len) < 0) ||
        (f->listener_metadata && write_all(fd, f->listener_metadata, h.metadata_len) < 0) ||
        write_all(fd, f->prog, f->prog_len * sizeof(struct sock_filter)) < 0) {
        keel_syserror(err, "write %s", tmp);
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) < 0) {
        keel_syserror(err, "rename %s to %s", tmp, path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* A string of `len` bytes at *p (UINT32_MAX: absent), advancing *p. */
static int take_string(const char **p, const char *end, uint32_t len, char **out)
{
    if (len == UINT32_MAX)
        return 0;
    if ((size_t)(end - *p) < len)
        return -1;
    *out = strndup(*p, len);
    *p += len;
    return *out == NULL ? -1 : 0;
}

static int parse_saved(const char *buf, size_t size, struct keel_seccomp *out)
{
    struct saved_header h;
    if (size < sizeof h)
        return -1;
    memcpy(&h, buf, sizeof h);
    if (memcmp(h.magic, saved_magic, sizeof h.magic) != 0 || h.prog_len == 0 ||
        h.prog_len > BPF_MAXINSNS)
        return -1;
    const char *p = buf + sizeof h, *end = buf + size;
    if (take_string(&p, end, h.path_len, &out->listener_path) < 0 ||
        take_string(&p, end, h.metadata_len, &out->listener_metadata) < 0)
        return -1;
    size_t prog_size = h.prog_len * sizeof(struct sock_filter);
    if ((size_t)(end - p) != prog_size || (out->prog = malloc(prog_size)) == NULL)
        return -1;
    memcpy(out->prog, p, prog_size);
    out->prog_len = h.prog_len;
    out->flags = h.flags;
    out->notify = h.notify != 0;
    return 0;
}

int keel_seccomp_read(const char *path, struct keel_seccomp *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return keel_syserror(err, "open %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return keel_syserror(err, "stat %s", path);
    if (st.st_size > 1 << 20)
        return keel_error(err, 0, "%s: not a saved seccomp filter", path);
    cleanup_free char *buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL)
        return keel_error(err, ENOMEM, "read %s", path);
    ssize_t n = pread(fd, buf, (size_t)st.st_size, 0);
    if (n < 0)
        return keel_syserror(err, "read %s", path);
    if (parse_saved(buf, (size_t)n, out) < 0) {
        keel_seccomp_release(out);
        return keel_error(err, 0, "%s: not a saved seccomp filter", path);
    }
    return 0;
}
