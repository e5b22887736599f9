/* store reference -> its manifest (or index and manifests) -> blobs to the
 * registry (HEAD, mount or upload) -> manifests -> index. Documents go byte
 * for byte as the store holds them, so their digests stay. */
#include "push.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob_source.h"
#include "keel/cleanup.h"
#include "keel/image_spec.h"
#include "ref.h"
#include "registry_internal.h"
#include "upload.h"

#define DEFAULT_PARALLEL 4
#define NO_ROW ((size_t)-1)

/* A manifest or index to send. */
struct doc {
    char digest[DIGEST_BUF];
    char *media_type;
    char *body;
    size_t len;
};

/* A blob to send, once even when several manifests share it. */
struct blob {
    char digest[DIGEST_BUF];
    int64_t size;
    char *id;    /* what the observer shows */
    size_t row;  /* the observer's layer index, NO_ROW for a config */
    char *mount; /* a repository of the registry known to have it */
};

struct push {
    struct store *store;
    struct registry *reg;
    const struct push_opts *opts;
    const struct push_observer *obs;
    const char *src;
    struct image_ref dst;
    char *repository; /* "domain/path" */
    struct doc *docs; /* the image manifests, then the index (if any) */
    size_t ndocs;
    struct oci_descriptor top;
    struct blob *blobs;
    size_t nblobs, nrows;
};

static bool is_index_type(const char *mt)
{
    return mt != NULL &&
           (strcmp(mt, OCI_MEDIA_INDEX) == 0 || strcmp(mt, DOCKER_MEDIA_MANIFEST_LIST) == 0);
}

static int add_blob(struct push *p, const struct oci_descriptor *d, const char *diff_id,
                    bool layer, keel_err *err)
{
    if (!digest_is_valid(d->digest) || !d->has_size || d->size < 0)
        return keel_error(err, 0, "%s: a manifest names an invalid blob descriptor", p->src);
    for (size_t i = 0; i < p->nblobs; i++)
        if (strcmp(p->blobs[i].digest, d->digest) == 0)
            return 0;
    struct blob *v = realloc(p->blobs, (p->nblobs + 1) * sizeof *v);
    if (v == NULL)
        return keel_syserror(err, "push %s", p->src);
    p->blobs = v;
    struct blob *b = &v[p->nblobs];
    *b = (struct blob){.size = d->size, .row = layer ? p->nrows : NO_ROW};
    snprintf(b->digest, sizeof b->digest, "%s", d->digest);
    const char *id = diff_id != NULL && digest_is_valid(diff_id) ? diff_id : d->digest;
    if ((b->id = strndup(digest_hex(id), 12)) == NULL)
        return keel_syserror(err, "push %s", p->src);
    p->nblobs++;
    p->nrows += layer;
    return 0;
}

/* A document from the store, kept as its bytes. */
static int add_doc(struct push *p, const struct oci_descriptor *d, keel_err *err)
{
    struct doc *v = realloc(p->docs, (p->ndocs + 1) * sizeof *v);
    if (v == NULL)
        return keel_syserror(err, "push %s", p->src);
    p->docs = v;
    struct doc *doc = &v[p->ndocs];
    *doc = (struct doc){.media_type = strdup(d->mediaType ? d->mediaType : OCI_MEDIA_MANIFEST)};
    snprintf(doc->digest, sizeof doc->digest, "%s", d->digest);
    if (doc->media_type == NULL)
        return keel_syserror(err, "push %s", p->src);
    p->ndocs++;
    if (store_blob_read(p->store, d->digest, d->has_size ? d->size : -1, &doc->body, &doc->len,
                        err) < 0)
        return keel_error_wrap(err, "push %s", p->src);
    return 0;
}

/* The manifest's config and layers; layer ids are DiffIDs from the config. */
static int add_manifest_blobs(struct push *p, const struct doc *doc, keel_err *err)
{
    struct oci_manifest man;
    if (spec_parse(&spec_type_oci_manifest, doc->body, doc->len, doc->digest, &man, err) < 0)
        return keel_error_wrap(err, "push %s", p->src);
    int ret = man.config == NULL ? keel_error(err, 0, "%s: manifest %s has no config", p->src,
                                              doc->digest)
                                 : 0;
    struct oci_image_config cfg = {0};
    bool have_cfg = ret == 0 && store_blob_parse(p->store, &spec_type_oci_image_config,
                                                 man.config->digest, man.config->size, &cfg,
                                                 err) == 0;
    if (ret == 0)
        ret = add_blob(p, man.config, NULL, false, err);
    for (size_t i = 0; ret == 0 && i < man.layers_len; i++) {
        const char *diff_id = have_cfg && cfg.rootfs != NULL && i < cfg.rootfs->diff_ids_len
                                  ? cfg.rootfs->diff_ids[i]
                                  : NULL;
        ret = add_blob(p, &man.layers[i], diff_id, true, err);
    }
    if (have_cfg)
        spec_release(&spec_type_oci_image_config, &cfg);
    spec_release(&spec_type_oci_manifest, &man);
    return ret;
}

/* The documents to send: an image manifest, or each manifest of an index
 * (all of which must be in the store) and then the index. */
static int load_documents(struct push *p, keel_err *err)
{
    if (store_resolve(p->store, p->src, &p->top, err) < 0)
        return -1;
    if (!is_index_type(p->top.mediaType))
        return add_doc(p, &p->top, err) < 0 ? -1 : add_manifest_blobs(p, &p->docs[0], err);
    struct oci_index idx;
    struct doc top = {0};
    if (store_blob_read(p->store, p->top.digest, p->top.size, &top.body, &top.len, err) < 0 ||
        spec_parse(&spec_type_oci_index, top.body, top.len, p->top.digest, &idx, err) < 0) {
        free(top.body);
        return keel_error_wrap(err, "push %s", p->src);
    }
    free(top.body);
    int ret = 0;
    for (size_t i = 0; ret == 0 && i < idx.manifests_len; i++) {
        const struct oci_descriptor *d = &idx.manifests[i];
        if (!digest_is_valid(d->digest) || !store_blob_exists(p->store, d->digest, d->size))
            ret = keel_error(err, 0,
                             "push %s: the index's manifest %s is not in the store (pull "
                             "every platform of the image first)",
                             p->src, d->digest ? d->digest : "(none)");
        else if (is_index_type(d->mediaType))
            ret = keel_error(err, 0, "push %s: nested index %s is not supported", p->src,
                             d->digest);
        else if ((ret = add_doc(p, d, err)) == 0)
            ret = add_manifest_blobs(p, &p->docs[p->ndocs - 1], err);
    }
    spec_release(&spec_type_oci_index, &idx);
    return ret < 0 ? -1 : add_doc(p, &p->top, err);
}

/* Blobs another repository of the registry has are mounted from it; with
 * Bearer auth the token must also allow pulling from there. A token server
 * that will not give that just means no mounts. */
static void plan_mounts(struct push *p)
{
    cleanup_free char *scopes = NULL;
    for (size_t i = 0; i < p->nblobs; i++) {
        struct blob *b = &p->blobs[i];
        b->mount = blob_source_find(p->store, b->digest, p->dst.domain, p->dst.path);
        if (b->mount == NULL)
            continue;
        char *more = NULL;
        if (asprintf(&more, "%s%srepository:%s:pull", scopes ? scopes : "", scopes ? " " : "",
                     b->mount) < 0)
            continue;
        if (scopes != NULL && strstr(scopes, more + strlen(scopes) + 1) != NULL) {
            free(more);
            continue;
        }
        free(scopes);
        scopes = more;
    }
    keel_err ignored;
    if (scopes != NULL && registry_add_scope(p->reg, scopes, &ignored) < 0)
        for (size_t i = 0; i < p->nblobs; i++) {
            free(p->blobs[i].mount);
            p->blobs[i].mount = NULL;
        }
}

struct blob_ctx {
    struct push *p;
    struct blob *b;
};

static void notify(struct blob_ctx *c, enum push_event ev)
{
    const struct push_observer *o = c->p->obs;
    if (o != NULL && o->layer != NULL && c->b->row != NO_ROW)
        o->layer(o->arg, c->b->row, c->b->id, c->b->size, ev, c->b->mount);
}

static void on_sending(void *arg)
{
    notify(arg, PUSH_PUSHING);
}

static void on_progress(void *arg, int64_t done, int64_t total)
{
    struct blob_ctx *c = arg;
    const struct push_observer *o = c->p->obs;
    if (o != NULL && o->progress != NULL && c->b->row != NO_ROW)
        o->progress(o->arg, c->b->row, done, total);
}

static void on_finished(void *arg, enum upload_result res)
{
    notify(arg, res == UPLOAD_EXISTS    ? PUSH_EXISTS
                : res == UPLOAD_MOUNTED ? PUSH_MOUNTED
                                        : PUSH_PUSHED);
}

/* Opens a blob of the store for sending, checking its size. */
static int open_blob(struct push *p, const struct blob *b, int *fd, keel_err *err)
{
    cleanup_free char *path = store_blob_path(p->store, b->digest, err);
    if (path == NULL)
        return -1;
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (*fd < 0 || fstat(*fd, &st) < 0)
        return keel_syserror(err, "push %s: blob %s", p->src, b->digest);
    if (st.st_size != b->size)
        return keel_error(err, 0, "push %s: blob %s has %lld bytes in the store, not %lld", p->src,
                          b->digest, (long long)st.st_size, (long long)b->size);
    return 0;
}

static int send_blobs(struct push *p, keel_err *err)
{
    cleanup_free struct registry_upload *ups = calloc(p->nblobs ? p->nblobs : 1, sizeof *ups);
    cleanup_free struct blob_ctx *ctx = calloc(p->nblobs ? p->nblobs : 1, sizeof *ctx);
    if (ups == NULL || ctx == NULL)
        return keel_syserror(err, "push %s", p->src);
    int ret = 0;
    size_t opened = 0;
    for (size_t i = 0; i < p->nblobs && ret == 0; i++, opened++) {
        ctx[i] = (struct blob_ctx){.p = p, .b = &p->blobs[i]};
        ups[i] = (struct registry_upload){.digest = p->blobs[i].digest, .size = p->blobs[i].size,
                                          .mount_from = p->blobs[i].mount, .fd = -1,
                                          .sending = on_sending, .progress = on_progress,
                                          .finished = on_finished, .arg = &ctx[i]};
        ret = open_blob(p, &p->blobs[i], &ups[i].fd, err);
    }
    for (size_t i = 0; i < p->nblobs && ret == 0; i++)
        notify(&ctx[i], PUSH_PREPARING);
    int parallel = p->opts->parallel > 0 ? p->opts->parallel : DEFAULT_PARALLEL;
    if (ret == 0)
        ret = registry_push_blobs(p->reg, ups, p->nblobs, parallel, p->opts->chunk, err);
    for (size_t i = 0; i < opened; i++)
        if (ups[i].fd >= 0)
            close(ups[i].fd);
    return ret;
}

/* Manifests by digest, then the last document (the image's own) by tag. */
static int send_documents(struct push *p, keel_err *err)
{
    for (size_t i = 0; i < p->ndocs; i++) {
        const struct doc *d = &p->docs[i];
        bool last = i + 1 == p->ndocs;
        const char *ref = last && p->dst.tag != NULL ? p->dst.tag : d->digest;
        if (last && p->dst.digest != NULL && strcmp(p->dst.digest, d->digest) != 0)
            return keel_error(err, 0, "push %s: the image is %s, not %s", p->src, d->digest,
                              p->dst.digest);
        if (registry_put_manifest(p->reg, ref, d->media_type, d->body, d->len, err) < 0)
            return -1;
    }
    return 0;
}

/* Now that the registry has them: where the blobs are, for later mounts. */
static void record_sources(struct push *p)
{
    keel_err ignored;
    for (size_t i = 0; i < p->nblobs; i++)
        if (blob_source_add(p->store, p->blobs[i].digest, p->repository, &ignored) < 0)
            break; /* only a hint for the next push: not worth failing this one */
}

/* The registry already has this very image under the destination's tag (or
 * digest): a registry accepts a manifest only once it has every blob, so
 * there is nothing to send. One HEAD instead of one per blob and a PUT. */
static int already_there(struct push *p, bool *there, keel_err *err)
{
    char have[DIGEST_BUF];
    *there = false;
    if (registry_head_manifest(p->reg, p->dst.tag ? p->dst.tag : p->top.digest, have, err) < 0)
        return -1;
    *there = strcmp(have, p->top.digest) == 0;
    for (size_t i = 0; *there && i < p->nblobs; i++) {
        struct blob_ctx c = {.p = p, .b = &p->blobs[i]};
        notify(&c, PUSH_PREPARING);
        notify(&c, PUSH_EXISTS);
    }
    return 0;
}

static int push_run(struct push *p, struct push_result *out, keel_err *err)
{
    if (load_documents(p, err) < 0)
        return -1;
    if ((p->reg = registry_open(&p->dst, &p->opts->registry, err)) == NULL)
        return keel_error_wrap(err, "push %s", p->repository);
    if (p->obs != NULL && p->obs->start != NULL)
        p->obs->start(p->obs->arg, p->repository, p->nrows);
    bool there;
    if (already_there(p, &there, err) < 0)
        return keel_error_wrap(err, "push %s", p->repository);
    if (!there)
        plan_mounts(p);
    if (!there && (send_blobs(p, err) < 0 || send_documents(p, err) < 0))
        return keel_error_wrap(err, "push %s", p->repository);
    record_sources(p);
    snprintf(out->digest, sizeof out->digest, "%s", p->top.digest);
    out->size = p->top.size;
    if (p->dst.tag != NULL && (out->tag = strdup(p->dst.tag)) == NULL)
        return keel_syserror(err, "push %s", p->repository);
    return 0;
}

int image_push(struct store *s, const char *src, const char *dst, const struct push_opts *o,
               struct push_result *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    struct push_opts opts = *o;
    opts.registry.push = true;
    struct push p = {.store = s, .opts = &opts, .obs = o->observer, .src = src};
    if (ref_parse(dst != NULL ? dst : src, &p.dst, err) < 0)
        return -1;
    int ret = -1;
    if ((p.repository = ref_repository(&p.dst)) == NULL)
        keel_syserror(err, "push %s", src);
    else
        ret = push_run(&p, out, err);
    registry_free(p.reg);
    for (size_t i = 0; i < p.ndocs; i++) {
        free(p.docs[i].body);
        free(p.docs[i].media_type);
    }
    free(p.docs);
    for (size_t i = 0; i < p.nblobs; i++) {
        free(p.blobs[i].id);
        free(p.blobs[i].mount);
    }
    free(p.blobs);
    spec_release(&spec_type_oci_descriptor, &p.top);
    free(p.repository);
    ref_release(&p.dst);
    if (ret < 0)
        push_result_release(out);
    return ret;
}

void push_result_release(struct push_result *r)
{
    free(r->tag);
    r->tag = NULL;
}
