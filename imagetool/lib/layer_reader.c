/* Layer blob -> uncompressed tar stream, with the DiffID computed on the way.
 * Decompression and hashing run in a thread that fills a small ring of
 * buffers while the caller's thread creates files. gzip, by far the most
 * common layer format, is inflated with ISA-L's igzip (several times zlib's
 * speed, and inflating is where a layer's CPU time goes); zstd, plain tars and
 * streams that cannot be peeked at (pipes) go through libarchive. */
#include "layer_reader.h"

#include <archive_entry.h>
#include <errno.h>
#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "keel/cleanup.h"

#define READER_SLOTS 4
#define READER_SLOT_SIZE LAYER_PIN_BYTES
#define READER_MAX_SLOTS 1024
/* buffers given back (by the ring or the last pin) kept for the next pieces */
#define READER_SPARE 8

/* A slot's buffer, shared by the ring and the pins taken on it: the last one
 * to let go gives it back to its reader. */
struct layer_pin {
    atomic_uint refs;
    struct layer_reader *owner;
    char data[];
};

struct layer_reader {
    int fd;
    char *name;
    struct archive *raw;   /* decompresses, "raw" format: the bytes as they are */
    struct inflate_state *gz; /* instead of raw for a gzip file */
    unsigned char *gz_in;
    struct archive *tar;   /* reads the tar from the ring */
    struct digester *md;
    char digest[DIGEST_BUF]; /* set at the end of the blob */

    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t slots;       /* ring size; a slot's buffer is allocated when first filled */
    struct layer_pin *buf[READER_MAX_SLOTS];
    size_t len[READER_MAX_SLOTS];
    size_t head, count; /* filled slots: head .. head+count-1 */
    bool holding;       /* the tar reader still uses the slot at head */
    uint64_t held_seq;  /* which piece of the stream that is (for pins) */
    struct layer_pin *spare[READER_SPARE];
    size_t nspare;
    bool eof, failed, stop;
    char error[512];
};

/* The next piece of a gzip stream (of one or more members) from fd. */
static la_ssize_t gzip_produce(struct layer_reader *r, char *buf, size_t cap)
{
    struct inflate_state *st = r->gz;
    st->next_out = (uint8_t *)buf;
    st->avail_out = (uint32_t)cap;
    while (st->avail_out == cap) {
        if (st->block_state == ISAL_BLOCK_FINISH) {
            if (st->avail_in == 0) {
                ssize_t n = read(r->fd, r->gz_in, READER_SLOT_SIZE);
                if (n <= 0) {
                    if (n < 0)
                        snprintf(r->error, sizeof r->error, "read: %s", strerror(errno));
                    return n < 0 ? -1 : 0;
                }
                st->next_in = r->gz_in;
                st->avail_in = (uint32_t)n;
            }
            /* another gzip member follows */
            uint8_t *next_in = st->next_in;
            uint32_t avail_in = st->avail_in;
            isal_inflate_reset(st);
            st->crc_flag = ISAL_GZIP;
            st->next_in = next_in;
            st->avail_in = avail_in;
            st->next_out = (uint8_t *)buf;
            st->avail_out = (uint32_t)cap;
        }
        if (st->avail_in == 0) {
            ssize_t n = read(r->fd, r->gz_in, READER_SLOT_SIZE);
            if (n <= 0) {
                snprintf(r->error, sizeof r->error, "gzip: %s",
                         n < 0 ? strerror(errno) : "unexpected end of stream");
                return -1;
            }
            st->next_in = r->gz_in;
            st->avail_in = (uint32_t)n;
        }
        int rc = isal_inflate(st);
        if (rc != ISAL_DECOMP_OK) {
            snprintf(r->error, sizeof r->error, "gzip: %s",
                     rc == ISAL_INCORRECT_CHECKSUM ? "checksum mismatch" : "corrupt stream");
            return -1;
        }
    }
    return (la_ssize_t)(cap - st->avail_out);
}

void layer_pin_put(struct layer_pin *b)
{
    if (b == NULL || atomic_fetch_sub(&b->refs, 1) != 1)
        return;
    struct layer_reader *r = b->owner;
    pthread_mutex_lock(&r->lock);
    if (r->nspare < READER_SPARE) {
        atomic_init(&b->refs, 1);
        r->spare[r->nspare++] = b;
        b = NULL;
    }
    pthread_mutex_unlock(&r->lock);
    free(b);
}

/* A buffer for `slot`: its own unless a pin still holds it, else a spare
 * one, else a new one. */
static struct layer_pin *slot_buffer(struct layer_reader *r, size_t slot)
{
    struct layer_pin *b = r->buf[slot];
    if (b != NULL && atomic_load(&b->refs) == 1)
        return b;
    r->buf[slot] = NULL;
    layer_pin_put(b);
    b = NULL;
    pthread_mutex_lock(&r->lock);
    if (r->nspare > 0)
        b = r->spare[--r->nspare];
    pthread_mutex_unlock(&r->lock);
    if (b == NULL && (b = malloc(sizeof *b + READER_SLOT_SIZE)) != NULL) {
        atomic_init(&b->refs, 1);
        b->owner = r;
    }
    return r->buf[slot] = b;
}

static void *reader_thread(void *arg)
{
    struct layer_reader *r = arg;

    for (;;) {
        pthread_mutex_lock(&r->lock);
        while (r->count == r->slots && !r->stop)
            pthread_cond_wait(&r->cond, &r->lock);
        bool stop = r->stop;
        size_t slot = (r->head + r->count) % r->slots;
        pthread_mutex_unlock(&r->lock);
        if (stop)
            return NULL;
        struct layer_pin *b = slot_buffer(r, slot);
        if (b == NULL) {
            pthread_mutex_lock(&r->lock);
            snprintf(r->error, sizeof r->error, "out of memory");
            r->failed = true;
            pthread_cond_broadcast(&r->cond);
            pthread_mutex_unlock(&r->lock);
            return NULL;
        }

        la_ssize_t n = r->gz != NULL ? gzip_produce(r, b->data, READER_SLOT_SIZE)
                                     : archive_read_data(r->raw, b->data, READER_SLOT_SIZE);
        if (n > 0)
            digester_update(r->md, b->data, (size_t)n);
        else if (n == 0)
            digester_final(r->md, r->digest);

        pthread_mutex_lock(&r->lock);
        if (n < 0) {
            if (r->gz == NULL) {
                const char *why = archive_error_string(r->raw);
                snprintf(r->error, sizeof r->error, "%s", why != NULL ? why : "read error");
            }
            r->failed = true;
        } else if (n == 0) {
            r->eof = true;
        } else {
            r->len[slot] = (size_t)n;
            r->count++;
        }
        bool finished = r->failed || r->eof;
        pthread_cond_broadcast(&r->cond);
        pthread_mutex_unlock(&r->lock);
        if (finished)
            return NULL;
    }
}

/* Hands the tar reader the next filled slot; the previous one goes back. */
static la_ssize_t reader_next(struct layer_reader *r, const void **out)
{
    pthread_mutex_lock(&r->lock);
    if (r->holding) {
        /* a long read-ahead ring keeps only the data not read yet */
        if (r->slots > READER_SLOTS) {
            struct layer_pin *b = r->buf[r->head];
            r->buf[r->head] = NULL;
            pthread_mutex_unlock(&r->lock);
            layer_pin_put(b);
            pthread_mutex_lock(&r->lock);
        }
        r->head = (r->head + 1) % r->slots;
        r->count--;
        r->holding = false;
        r->held_seq++;
        pthread_cond_broadcast(&r->cond);
    }
    while (r->count == 0 && !r->eof && !r->failed)
        pthread_cond_wait(&r->cond, &r->lock);
    la_ssize_t n;
    if (r->count > 0) {
        *out = r->buf[r->head]->data;
        n = (la_ssize_t)r->len[r->head];
        r->holding = true;
    } else {
        n = r->failed ? -1 : 0;
    }
    pthread_mutex_unlock(&r->lock);
    return n;
}

static la_ssize_t tar_read_cb(struct archive *a, void *data, const void **out)
{
    struct layer_reader *r = data;
    la_ssize_t n = reader_next(r, out);
    if (n < 0)
        archive_set_error(a, EIO, "%s", r->error);
    return n;
}

const char *layer_reader_error(struct layer_reader *r)
{
    pthread_mutex_lock(&r->lock);
    bool failed = r->failed;
    pthread_mutex_unlock(&r->lock);
    if (failed)
        return r->error;
    const char *why = archive_error_string(r->tar);
    return why != NULL ? why : "unknown error";
}

/* libarchive's decompressors. Layers are tar, tar+gzip or tar+zstd; no other
 * filter (some of libarchive's run external programs) is wanted on untrusted
 * input. */
static int open_raw(struct layer_reader *r, int fd, keel_err *err)
{
    struct archive_entry *entry;
    if (archive_read_support_filter_gzip(r->raw) != ARCHIVE_OK ||
        archive_read_support_filter_zstd(r->raw) != ARCHIVE_OK ||
        archive_read_support_filter_none(r->raw) != ARCHIVE_OK ||
        archive_read_support_format_raw(r->raw) != ARCHIVE_OK ||
        archive_read_open_fd(r->raw, fd, READER_SLOT_SIZE) != ARCHIVE_OK)
        return keel_error(err, 0, "read layer %s: %s", r->name, archive_error_string(r->raw));
    int rc = archive_read_next_header(r->raw, &entry);
    if (rc == ARCHIVE_EOF) {
        /* an empty blob: no thread needed */
        digester_final(r->md, r->digest);
        r->eof = true;
        return 0;
    }
    if (rc != ARCHIVE_OK)
        return keel_error(err, 0, "read layer %s: %s", r->name, archive_error_string(r->raw));
    return 0;
}

struct layer_reader *layer_reader_open(int fd, const char *name, keel_err *err)
{
    return layer_reader_open_ahead(fd, name, 0, err);
}

struct layer_reader *layer_reader_open_ahead(int fd, const char *name, size_t ahead,
                                             keel_err *err)
{
    struct layer_reader *r = calloc(1, sizeof *r);
    if (r == NULL) {
        close(fd);
        keel_syserror(err, "read layer %s", name);
        return NULL;
    }
    r->fd = fd;
    r->slots = ahead / READER_SLOT_SIZE;
    if (r->slots < READER_SLOTS)
        r->slots = READER_SLOTS;
    if (r->slots > READER_MAX_SLOTS)
        r->slots = READER_MAX_SLOTS;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    r->name = strdup(name);
    r->md = digester_new(err);
    r->raw = archive_read_new();
    r->tar = archive_read_new();
    bool ok = r->name != NULL && r->md != NULL && r->raw != NULL && r->tar != NULL;
    if (!ok) {
        keel_error(err, ENOMEM, "read layer %s", name);
        layer_reader_close(r);
        return NULL;
    }

    unsigned char magic[2];
    if (pread(fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic && magic[0] == 0x1f &&
        magic[1] == 0x8b) {
        r->gz = calloc(1, sizeof *r->gz);
        r->gz_in = malloc(READER_SLOT_SIZE);
        if (r->gz == NULL || r->gz_in == NULL) {
            keel_error(err, ENOMEM, "read layer %s", name);
            layer_reader_close(r);
            return NULL;
        }
        isal_inflate_init(r->gz);
        r->gz->crc_flag = ISAL_GZIP;
    } else if (open_raw(r, fd, err) < 0) {
        layer_reader_close(r);
        return NULL;
    }
    if (!r->eof) {
        int e = pthread_create(&r->thread, NULL, reader_thread, r);
        if (e != 0) {
            keel_error(err, e, "read layer %s: start decompressor", name);
            layer_reader_close(r);
            return NULL;
        }
        r->thread_started = true;
    }

    if (archive_read_support_format_tar(r->tar) != ARCHIVE_OK ||
        archive_read_open(r->tar, r, NULL, tar_read_cb, NULL) != ARCHIVE_OK) {
        keel_error(err, 0, "read layer %s: %s", name, layer_reader_error(r));
        layer_reader_close(r);
        return NULL;
    }
    return r;
}

struct layer_pin *layer_reader_pin(struct layer_reader *r, const void *p, size_t len,
                                   uint64_t *seq)
{
    /* head and holding change only in this (the tar reader's) thread */
    if (!r->holding)
        return NULL;
    struct layer_pin *b = r->buf[r->head];
    const char *c = p;
    if (c < b->data || len > r->len[r->head] || c - b->data > (ptrdiff_t)(r->len[r->head] - len))
        return NULL; /* libarchive's own copy of a piece split between slots */
    atomic_fetch_add(&b->refs, 1);
    *seq = r->held_seq;
    return b;
}

struct archive *layer_reader_archive(struct layer_reader *r)
{
    return r->tar;
}

int layer_reader_finish(struct layer_reader *r, char diffid[72], keel_err *err)
{
    const void *ignored;
    la_ssize_t n;
    while ((n = reader_next(r, &ignored)) > 0)
        continue;
    if (n < 0)
        return keel_error(err, 0, "read layer %s: %s", r->name, r->error);
    memcpy(diffid, r->digest, DIGEST_BUF);
    return 0;
}

void layer_reader_close(struct layer_reader *r)
{
    if (r == NULL)
        return;
    if (r->thread_started) {
        pthread_mutex_lock(&r->lock);
        r->stop = true;
        pthread_cond_broadcast(&r->cond);
        pthread_mutex_unlock(&r->lock);
        pthread_join(r->thread, NULL);
    }
    if (r->tar != NULL)
        archive_read_free(r->tar);
    if (r->raw != NULL)
        archive_read_free(r->raw);
    if (r->fd >= 0)
        close(r->fd);
    digester_free(r->md);
    for (size_t i = 0; i < r->slots; i++)
        layer_pin_put(r->buf[i]);
    for (size_t i = 0; i < r->nspare; i++)
        free(r->spare[i]);
    free(r->name);
    free(r->gz);
    free(r->gz_in);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->cond);
    free(r);
}
