/* Compiled filters on disk, shared by every container (and exec) with the same
 * profile: libseccomp takes ~20 ms for a docker-sized profile on three
 * architectures, reading the result back ~50 us. */
#include "seccomp_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "keel/fsutil.h"

/* The saved form: this header, then the key (the profile it was compiled
 * from), the listener path and metadata,
 * the unknown syscall names (each NUL-terminated), and the program. */
struct saved_header {
    char magic[8];
    uint32_t flags;
    uint32_t notify;
    uint32_t prog_len;
    uint32_t key_len;
    uint32_t path_len;     /* UINT32_MAX: absent */
    uint32_t metadata_len; /* UINT32_MAX: absent */
    uint32_t unknown_len;  /* bytes */
};

static const char saved_magic[8] = "KEELBPF2";

static uint32_t opt_len(const char *s)
{
    return s != NULL ? (uint32_t)strlen(s) : UINT32_MAX;
}

static int write_saved(int fd, const struct keel_seccomp *f, const char *key, size_t key_len)
{
    size_t unknown_bytes = 0;
    for (size_t i = 0; i < f->unknown_len; i++)
        unknown_bytes += strlen(f->unknown[i]) + 1;
    struct saved_header h = {
        .flags = f->flags,
        .notify = f->notify,
        .prog_len = (uint32_t)f->prog_len,
        .key_len = (uint32_t)key_len,
        .path_len = opt_len(f->listener_path),
        .metadata_len = opt_len(f->listener_metadata),
        .unknown_len = (uint32_t)unknown_bytes,
    };
    memcpy(h.magic, saved_magic, sizeof h.magic);
    if (write_all(fd, &h, sizeof h) < 0 || write_all(fd, key, key_len) < 0 ||
        (f->listener_path && write_all(fd, f->listener_path, h.path_len) < 0) ||
        (f->listener_metadata && write_all(fd, f->listener_metadata, h.metadata_len) < 0))
        return -1;
    for (size_t i = 0; i < f->unknown_len; i++)
        if (write_all(fd, f->unknown[i], strlen(f->unknown[i]) + 1) < 0)
            return -1;
    return write_all(fd, f->prog, f->prog_len * sizeof(struct sock_filter));
}

/* Writes through a temporary name in the same directory, then renames. */
static int save_entry(const struct keel_seccomp *f, const char *key, size_t key_len,
                      const char *path, keel_err *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid()) >= (int)sizeof tmp)
        return keel_error(err, ENAMETOOLONG, "seccomp cache %s", path);
    cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return keel_syserror(err, "create %s", tmp);
    if (write_saved(fd, f, key, key_len) < 0) {
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

static int take_unknown(const char **p, const char *end, uint32_t len, struct keel_seccomp *out)
{
    if ((size_t)(end - *p) < len || (len > 0 && (*p)[len - 1] != '\0'))
        return -1;
    const char *stop = *p + len;
    for (const char *s = *p; s < stop; s += strlen(s) + 1)
        if (spec_strs_append(&out->unknown, &out->unknown_len, s) < 0)
            return -1;
    *p = stop;
    return 0;
}

/* Parses a saved filter compiled from `key`. */
static int parse_saved(const char *buf, size_t size, const char *key, size_t key_len,
                       struct keel_seccomp *out)
{
    struct saved_header h;
    if (size < sizeof h)
        return -1;
    memcpy(&h, buf, sizeof h);
    if (memcmp(h.magic, saved_magic, sizeof h.magic) != 0 || h.prog_len == 0 ||
        h.prog_len > BPF_MAXINSNS || h.key_len > size - sizeof h)
        return -1;
    const char *p = buf + sizeof h, *end = buf + size;
    if (h.key_len != key_len || memcmp(p, key, key_len) != 0)
        return -1;
    p += h.key_len;
    if (take_string(&p, end, h.path_len, &out->listener_path) < 0 ||
        take_string(&p, end, h.metadata_len, &out->listener_metadata) < 0 ||
        take_unknown(&p, end, h.unknown_len, out) < 0)
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

/* Reads a cache entry. Returns 1 when it is missing or does not hold what
 * `key` asks for, 0 when read, -1 on errors. Only a file of our own that
 * nobody else can write is trusted. */
static int read_entry(const char *path, const char *key, size_t key_len,
                      struct keel_seccomp *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && (errno == ENOENT || errno == ELOOP))
        return 1;
    if (fd < 0)
        return keel_syserror(err, "open %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return keel_syserror(err, "stat %s", path);
    if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022) ||
        st.st_size > 1 << 20)
        return 1;
    cleanup_free char *buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL)
        return keel_error(err, ENOMEM, "read %s", path);
    ssize_t n = pread(fd, buf, (size_t)st.st_size, 0);
    if (n < 0)
        return keel_syserror(err, "read %s", path);
    if (parse_saved(buf, (size_t)n, key, key_len, out) < 0) {
        keel_seccomp_release(out);
        return 1;
    }
    return 0;
}

/* The cache key: the profile as canonical JSON (generated from the parsed
 * struct, so spacing and key order in config.json do not matter) and the
 * libseccomp that compiles it. */
static char *cache_key(const struct oci_seccomp *s, size_t *len, keel_err *err)
{
    size_t json_len;
    cleanup_free char *json = spec_generate(&spec_type_oci_seccomp, s, false, &json_len, err);
    if (json == NULL)
        return NULL;
    const struct scmp_version *v = seccomp_version();
    char *key;
    int n = asprintf(&key, "libseccomp %u.%u.%u\n%s", v->major, v->minor, v->micro, json);
    if (n < 0) {
        keel_error(err, ENOMEM, "seccomp cache key");
        return NULL;
    }
    *len = (size_t)n;
    return key;
}

/* FNV-1a names the file; the key stored inside decides a hit. */
static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

int keel_seccomp_compile_cached(const struct oci_seccomp *s, const char *cache_dir,
                                struct keel_seccomp *out, keel_err *err)
{
    size_t key_len;
    cleanup_free char *key = cache_key(s, &key_len, err);
    if (key == NULL)
        return -1;
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%016llx.bpf", cache_dir,
                 (unsigned long long)fnv1a(key, key_len)) >= (int)sizeof path)
        return keel_error(err, ENAMETOOLONG, "seccomp cache %s", cache_dir);
    int rc = read_entry(path, key, key_len, out, err);
    if (rc <= 0)
        return rc;
    if (keel_seccomp_compile(s, out, err) < 0)
        return -1;
    /* The cache only saves time: a full disk or a read-only root must not
     * fail the container, so a failed store is dropped. */
    keel_err ignored;
    if ((mkdir(cache_dir, 0700) == 0 || errno == EEXIST))
        save_entry(out, key, key_len, path, &ignored);
    return 0;
}
