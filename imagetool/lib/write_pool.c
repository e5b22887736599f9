/* The file-writing thread pool: a FIFO of jobs, a bound on the memory they
 * hold, and the first error kept for the submitter. */
#include "write_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define WRITE_POOL_MAX_THREADS 4

struct pool_job {
    struct pool_job *next;
    void *job;
    size_t bytes;
};

struct write_pool {
    pthread_mutex_t lock;
    pthread_cond_t work;  /* a job was queued, or stop */
    pthread_cond_t done;  /* a job finished */
    struct pool_job *head, *tail;
    size_t queued_bytes, max_bytes;
    unsigned running;     /* jobs being done */
    bool stop, failed;
    keel_err err;
    write_job_fn *run;
    write_job_free_fn *free_job;
    pthread_t threads[WRITE_POOL_MAX_THREADS];
    unsigned nthreads;
};

static void *pool_worker(void *arg)
{
    struct write_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->head == NULL && !p->stop)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->head == NULL)
            break;
        struct pool_job *j = p->head;
        p->head = j->next;
        if (p->head == NULL)
            p->tail = NULL;
        p->running++;
        bool skip = p->failed;
        pthread_mutex_unlock(&p->lock);

        keel_err err;
        int rc = skip ? 0 : p->run(j->job, &err);
        p->free_job(j->job);

        pthread_mutex_lock(&p->lock);
        if (rc < 0 && !p->failed) {
            p->failed = true;
            p->err = err;
        }
        p->queued_bytes -= j->bytes;
        p->running--;
        free(j);
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct write_pool *write_pool_new(unsigned threads, size_t max_bytes, write_job_fn *run,
                                  write_job_free_fn *free_job)
{
    struct write_pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    p->max_bytes = max_bytes;
    p->run = run;
    p->free_job = free_job;
    if (threads > WRITE_POOL_MAX_THREADS)
        threads = WRITE_POOL_MAX_THREADS;
    for (; p->nthreads < threads; p->nthreads++)
        if (pthread_create(&p->threads[p->nthreads], NULL, pool_worker, p) != 0)
            break;
    if (p->nthreads == 0) {
        write_pool_free(p);
        return NULL;
    }
    return p;
}

int write_pool_submit(struct write_pool *p, void *job, size_t bytes, keel_err *err)
{
    struct pool_job *j = calloc(1, sizeof *j);
    if (j == NULL) {
        p->free_job(job);
        return keel_syserror(err, "queue a file");
    }
    j->job = job;
    j->bytes = bytes;
    pthread_mutex_lock(&p->lock);
    while (!p->failed && p->queued_bytes > 0 && p->queued_bytes + bytes > p->max_bytes)
        pthread_cond_wait(&p->done, &p->lock);
    if (p->failed) {
        *err = p->err;
        pthread_mutex_unlock(&p->lock);
        p->free_job(job);
        free(j);
        return -1;
    }
    if (p->tail != NULL)
        p->tail->next = j;
    else
        p->head = j;
    p->tail = j;
    p->queued_bytes += bytes;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

int write_pool_drain(struct write_pool *p, keel_err *err)
{
    pthread_mutex_lock(&p->lock);
    while (p->head != NULL || p->running > 0)
        pthread_cond_wait(&p->done, &p->lock);
    bool failed = p->failed;
    if (failed)
        *err = p->err;
    pthread_mutex_unlock(&p->lock);
    return failed ? -1 : 0;
}

void write_pool_free(struct write_pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->failed = true; /* queued jobs are dropped unrun */
    p->stop = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    free(p);
}
