/* A few threads that create files while the applier's thread goes on reading
 * the tar: on a disk where creating a file takes hundreds of microseconds,
 * the latencies overlap. */
#ifndef KEEL_IMAGETOOL_WRITE_POOL_H
#define KEEL_IMAGETOOL_WRITE_POOL_H

#include <stddef.h>

#include "keel/error.h"

struct write_pool;
/* Does one job; fills err on failure. */
typedef int write_job_fn(void *job, keel_err *err);
typedef void write_job_free_fn(void *job);

/* NULL when the threads cannot be started (the caller then works alone). */
struct write_pool *write_pool_new(unsigned threads, size_t max_bytes, write_job_fn *run,
                                  write_job_free_fn *free_job);
/* Queues a job of `bytes` (memory it holds), waiting while the queue holds
 * more than max_bytes. The pool owns the job from then on. -1 (err set) when
 * an earlier job failed: the first failure is the one reported. */
int write_pool_submit(struct write_pool *p, void *job, size_t bytes, keel_err *err);
/* Waits until every queued job is done; -1 with the first failure. */
int write_pool_drain(struct write_pool *p, keel_err *err);
/* Drops queued jobs, waits for running ones, stops the threads. */
void write_pool_free(struct write_pool *p);

#endif
