/* Layers unpacked for overlayfs, made by a small pool of threads. */
#include "layer_store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "layer_path.h"
#include "unpack.h"

#define LAYER_WORKERS 2

struct layer_job {
    struct store *store;
    const struct stored_image *img;
    char **paths;
    bool *missing;
    size_t next;
    pthread_mutex_t lock;
    bool failed;
    keel_err err;
};

static int unpack_one(struct store *s, const char *blob_digest, const char *diff_id,
                      const char *dest, keel_err *err)
{
    cleanup_free char *tmp = store_mkdtemp(s, "layer", err);
    if (tmp == NULL)
        return -1;
    cleanup_free char *blob = store_blob_path(s, blob_digest, err);
    int rc = -1;
    int rootfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (blob == NULL || rootfd < 0) {
        if (rootfd < 0)
            keel_syserror(err, "open %s", tmp);
    } else if (fchmod(rootfd, 0755) < 0) {
        keel_syserror(err, "chmod %s", tmp);
    } else {
        int fd = open(blob, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            keel_syserror(err, "open layer %s", blob_digest);
        else
            rc = layer_apply(rootfd, fd, blob_digest, LAYER_OVERLAY, diff_id, NULL, err);
    }
    if (rootfd >= 0)
        close(rootfd);
    /* Another process may have finished the same layer first: theirs stays. */
    if (rc == 0 && rename(tmp, dest) < 0 && errno != EEXIST && errno != ENOTEMPTY)
        rc = keel_syserror(err, "rename %s to %s", tmp, dest);
    keel_err ignored;
    if (access(tmp, F_OK) == 0)
        remove_tree_at(AT_FDCWD, tmp, &ignored);
    return rc;
}

static void *layer_worker(void *arg)
{
    struct layer_job *job = arg;
    for (;;) {
        pthread_mutex_lock(&job->lock);
        size_t i = job->next;
        while (i < job->img->manifest.layers_len && !job->missing[i])
            i++;
        job->next = i + 1;
        bool stop = job->failed || i >= job->img->manifest.layers_len;
        pthread_mutex_unlock(&job->lock);
        if (stop)
            return NULL;

        keel_err err;
        if (unpack_one(job->store, job->img->manifest.layers[i].digest,
                       job->img->config.rootfs->diff_ids[i], job->paths[i], &err) < 0) {
            pthread_mutex_lock(&job->lock);
            if (!job->failed)
                job->err = err;
            job->failed = true;
            pthread_mutex_unlock(&job->lock);
        }
    }
}

void layer_paths_free(char **paths, size_t n)
{
    for (size_t i = 0; paths != NULL && i < n; i++)
        free(paths[i]);
    free(paths);
}

int layer_store_ensure(struct store *s, const struct stored_image *img, char ***paths,
                       keel_err *err)
{
    size_t n = img->manifest.layers_len;
    struct layer_job job = {.store = s, .img = img};
    job.paths = calloc(n + 1, sizeof *job.paths);
    cleanup_free bool *missing = job.missing = calloc(n + 1, sizeof *job.missing);
    if (job.paths == NULL || missing == NULL) {
        free(job.paths);
        return keel_syserror(err, "unpack layers");
    }
    size_t todo = 0;
    for (size_t i = 0; i < n; i++) {
        job.paths[i] = store_layer_path(s, img->config.rootfs->diff_ids[i], err);
        if (job.paths[i] == NULL) {
            layer_paths_free(job.paths, n);
            return -1;
        }
        struct stat st;
        missing[i] = stat(job.paths[i], &st) < 0;
        todo += missing[i];
    }

    pthread_mutex_init(&job.lock, NULL);
    pthread_t threads[LAYER_WORKERS];
    size_t started = 0;
    for (; started + 1 < LAYER_WORKERS && started + 1 < todo; started++)
        if (pthread_create(&threads[started], NULL, layer_worker, &job) != 0)
            break;
    layer_worker(&job); /* this thread works too */
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&job.lock);

    if (job.failed) {
        *err = job.err;
        layer_paths_free(job.paths, n);
        return -1;
    }
    *paths = job.paths;
    return 0;
}
