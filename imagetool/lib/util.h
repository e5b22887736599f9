/* Small file helpers the store and the commands share. */
#ifndef KEEL_IMAGE_UTIL_H
#define KEEL_IMAGE_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/error.h"
#include "keel/fsutil.h"
#include "keel/spec.h"

struct store;

/* a + b, malloc'd (b usually starts with '/'). */
char *path_join(const char *a, const char *b);
/* Writes buf to path atomically: a temp file in the store's tmp/, fsync
 * (unless durable is false: after a host crash the file may then be empty),
 * rename. */
int write_file_atomic(struct store *s, const char *path, const void *buf, size_t len,
                      bool durable, keel_err *err);
/* Generates a spec document and writes it with write_file_atomic. */
int write_spec_file(struct store *s, const char *path, const struct spec_type *t,
                    const void *obj, bool durable, keel_err *err);
/* rm -rf; a missing path is not an error. */
int remove_tree(const char *path, keel_err *err);
/* Reads fd to its end, handing each chunk to fn (which returns < 0 to stop,
 * that value returned). -1 with errno when a read fails. */
int fd_each_chunk(int fd, int (*fn)(void *arg, const void *buf, size_t len), void *arg);
/* An fd_each_chunk fn writing to the fd *arg points to (-1 with errno). */
int chunk_to_fd(void *arg, const void *buf, size_t len);
/* The start of a file is a tar archive, plain, gzip- or zstd-compressed (what
 * layers, ADD and a context on stdin may be). */
bool archive_magic(const unsigned char *head, size_t len);
/* The entries of the directory open on dirfd but "." and "..", in byte
 * order (a stable order for layers and checksums): scandir's result. */
struct dirent;
int scandir_sorted(int dirfd, struct dirent ***names);
/* Bytes used by a file tree (st_blocks), for gc's report. */
long long tree_size(const char *path);

#endif
