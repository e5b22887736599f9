/* Reading a layer blob: decompression (gzip, zstd or none) in a thread of its
 * own, the DiffID (sha256 of the uncompressed stream) computed on the way, and
 * a libarchive tar reader over the uncompressed bytes. */
#ifndef KEEL_IMAGETOOL_LAYER_READER_H
#define KEEL_IMAGETOOL_LAYER_READER_H

#include <archive.h>
#include <stdint.h>

#include "keel/error.h"

struct layer_reader;

/* Starts reading the blob open on fd (the reader owns fd from then on, even on
 * failure); `name` names the blob in errors. */
struct layer_reader *layer_reader_open(int fd, const char *name, keel_err *err);
/* The tar reader: next_header/read_data_block as usual. */
/* Like layer_reader_open, but decompresses up to `ahead` bytes before the
 * caller reads them (a layer waiting for the ones before it to be applied). */
struct layer_reader *layer_reader_open_ahead(int fd, const char *name, size_t ahead,
                                             keel_err *err);
struct archive *layer_reader_archive(struct layer_reader *r);
/* The bytes a slot of the ring holds, at most: what one pin keeps alive. */
#define LAYER_PIN_BYTES (1u << 20)
struct layer_pin;
/* Keeps the buffer holding [p, p+len), a block read_data_block just gave,
 * alive after the tar reader moves on, so that another thread can write it
 * out without a copy; `seq` tells which piece of the stream it is (pins of
 * one piece share its buffer). NULL when the block is not in the reader's
 * current buffer (libarchive copied it): copy it then. */
struct layer_pin *layer_reader_pin(struct layer_reader *r, const void *p, size_t len,
                                   uint64_t *seq);
/* Lets go of a pin; from any thread, before layer_reader_close. */
void layer_pin_put(struct layer_pin *pin);
/* After the tar's end: reads what follows it and gives the DiffID
 * ("sha256:" + 64 hex digits, NUL-terminated) in diffid[72]. */
int layer_reader_finish(struct layer_reader *r, char diffid[72], keel_err *err);
/* The reason a read failed: the decompressor's error when it had one, else
 * the tar reader's. */
const char *layer_reader_error(struct layer_reader *r);
void layer_reader_close(struct layer_reader *r);

#endif
