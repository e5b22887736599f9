/* Blobs: written to $root/tmp while hashed, verified, then renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "store.h"
#include "util.h"

/* curl hands bodies over 16 KiB at a time; one write(2) per MiB is cheaper. */
#define WRITE_BUFFER (1u << 20)

struct blob_writer {
    struct store *store;
    char digest[DIGEST_BUF]; /* expected; empty when the caller does not know it */
    int64_t size;            /* expected, or -1 */
    int64_t written;
    struct digester *hash;
    int fd;
    char *tmp;
    char *buf; /* bytes hashed but not yet written */
    size_t buffered, cap;
};

struct blob_writer *store_blob_create(struct store *s, const char *digest, int64_t size,
                                      keel_err *err)
{
    if (digest != NULL && digest_validate(digest, err) < 0)
        return NULL;
    struct blob_writer *w = calloc(1, sizeof *w);
    if (w == NULL) {
        keel_syserror(err, "blob %s", digest ? digest : "");
        return NULL;
    }
    w->store = s;
    w->fd = -1;
    w->size = size;
    if (digest != NULL)
        snprintf(w->digest, sizeof w->digest, "%s", digest);
    w->hash = digester_new(err);
    w->tmp = path_join(s->root, "/tmp/blob-XXXXXX");
    /* small blobs (manifests, configs) get a buffer their size */
    w->cap = size >= 0 && size < (int64_t)WRITE_BUFFER ? (size_t)size + 1 : WRITE_BUFFER;
    w->buf = malloc(w->cap);
    if (w->hash == NULL || w->tmp == NULL || w->buf == NULL) {
        if (w->hash != NULL)
            keel_syserror(err, "blob %s", w->digest);
        blob_writer_abort(w);
        return NULL;
    }
    w->fd = mkostemp(w->tmp, O_CLOEXEC);
    if (w->fd < 0) {
        keel_syserror(err, "create temp file for blob %s in %s/tmp", w->digest, s->root);
        free(w->tmp);
        w->tmp = NULL;
        blob_writer_abort(w);
        return NULL;
    }
    return w;
}

static int flush(struct blob_writer *w, keel_err *err)
{
    if (w->buffered > 0 && write_all(w->fd, w->buf, w->buffered) < 0)
        return keel_syserror(err, "write blob %s to %s", w->digest, w->tmp);
    w->buffered = 0;
    return 0;
}

int blob_writer_write(struct blob_writer *w, const void *buf, size_t len, keel_err *err)
{
    if (w->size >= 0 && w->written + (int64_t)len > w->size)
        return keel_error(err, 0, "blob %s: size mismatch: expected %" PRId64 " bytes, got more",
                          w->digest, w->size);
    digester_update(w->hash, buf, len);
    w->written += (int64_t)len;
    if (w->buffered + len > w->cap && flush(w, err) < 0)
        return -1;
    if (len >= w->cap)
        return write_all(w->fd, buf, len) < 0
                   ? keel_syserror(err, "write blob %s to %s", w->digest, w->tmp)
                   : 0;
    memcpy(w->buf + w->buffered, buf, len);
    w->buffered += len;
    return 0;
}

int64_t blob_writer_size(const struct blob_writer *w)
{
    return w->written;
}

int blob_writer_restart(struct blob_writer *w, keel_err *err)
{
    if (ftruncate(w->fd, 0) < 0 || lseek(w->fd, 0, SEEK_SET) < 0)
        return keel_syserror(err, "restart blob %s in %s", w->digest, w->tmp);
    digester_reset(w->hash);
    w->written = 0;
    w->buffered = 0;
    return 0;
}

static int publish(struct blob_writer *w, keel_err *err)
{
    if (flush(w, err) < 0)
        return -1;
    char actual[DIGEST_BUF];
    digester_final(w->hash, actual);
    if (w->size >= 0 && w->written != w->size)
        return keel_error(err, 0,
                          "blob %s: size mismatch: expected %" PRId64 " bytes, got %" PRId64,
                          w->digest, w->size, w->written);
    if (w->digest[0] != '\0' && strcmp(actual, w->digest) != 0)
        return keel_error(err, 0, "blob %s: digest mismatch: expected %s, got %s", w->digest,
                          w->digest, actual);
    memcpy(w->digest, actual, sizeof actual);
    cleanup_free char *dst = store_blob_path(w->store, actual, err);
    if (dst == NULL)
        return -1;
    if (fchmod(w->fd, 0644) < 0)
        return keel_syserror(err, "blob %s: chmod %s", actual, w->tmp);
    if (rename(w->tmp, dst) < 0)
        return keel_syserror(err, "blob %s: rename %s to %s", actual, w->tmp, dst);
    free(w->tmp);
    w->tmp = NULL;
    return 0;
}

int blob_writer_commit_digest(struct blob_writer *w, char digest_out[DIGEST_BUF], keel_err *err)
{
    int r = publish(w, err);
    if (r == 0 && digest_out != NULL)
        memcpy(digest_out, w->digest, DIGEST_BUF);
    blob_writer_abort(w);
    return r;
}

int blob_writer_commit(struct blob_writer *w, keel_err *err)
{
    return blob_writer_commit_digest(w, NULL, err);
}

void blob_writer_abort(struct blob_writer *w)
{
    if (w == NULL)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->tmp != NULL)
        unlink(w->tmp);
    free(w->tmp);
    free(w->buf);
    digester_free(w->hash);
    free(w);
}

int store_blob_put(struct store *s, const void *buf, size_t len, char digest_out[DIGEST_BUF],
                   keel_err *err)
{
    struct blob_writer *w = store_blob_create(s, NULL, (int64_t)len, err);
    if (w == NULL)
        return -1;
    if (blob_writer_write(w, buf, len, err) < 0) {
        blob_writer_abort(w);
        return -1;
    }
    return blob_writer_commit_digest(w, digest_out, err);
}

int store_blob_read(const struct store *s, const char *digest, int64_t size, char **buf,
                    size_t *len, keel_err *err)
{
    cleanup_free char *path = store_blob_path(s, digest, err);
    if (path == NULL)
        return -1;
    cleanup_free char *b = NULL;
    size_t n = 0;
    if (read_file(path, STORE_DOC_MAX, &b, &n, err) < 0)
        return keel_error_wrap(err, "blob %s", digest);
    if (size >= 0 && (int64_t)n != size)
        return keel_error(err, 0,
                          "blob %s in the store: size mismatch: expected %" PRId64 " bytes, got %zu",
                          digest, size, n);
    char actual[DIGEST_BUF];
    digest_buffer(b, n, actual);
    if (strcmp(actual, digest) != 0)
        return keel_error(err, 0, "blob %s in the store: digest mismatch: expected %s, got %s",
                          digest, digest, actual);
    *buf = steal_ptr(b);
    *len = n;
    return 0;
}

int store_blob_parse(const struct store *s, const struct spec_type *t, const char *digest,
                     int64_t size, void *out, keel_err *err)
{
    cleanup_free char *buf = NULL;
    size_t len = 0;
    if (store_blob_read(s, digest, size, &buf, &len, err) < 0)
        return -1;
    return spec_parse(t, buf, len, digest, out, err);
}
