/* reference -> manifest (via an index for multi-platform images) -> config
 * and layers into the store -> tag. The tag is written last, so the store
 * only ever names complete images. */
#include "pull.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob_source.h"
#include "keel/cleanup.h"
#include "keel/image_spec.h"
#include "platform.h"
#include "ref.h"

#define DEFAULT_PARALLEL 4

struct pull {
    struct store *store;
    struct registry *reg;
    const struct pull_opts *opts;
    const struct pull_observer *obs;
    char *name;           /* normalized reference */
    struct platform want;
    bool platform_given;
};

static bool is_index_type(const char *mt)
{
    return mt != NULL && (strcmp(mt, OCI_MEDIA_INDEX) == 0 || strcmp(mt, DOCKER_MEDIA_MANIFEST_LIST) == 0);
}

static bool is_manifest_type(const char *mt)
{
    return mt != NULL && (strcmp(mt, OCI_MEDIA_MANIFEST) == 0 || strcmp(mt, DOCKER_MEDIA_MANIFEST) == 0);
}

static bool is_schema1_type(const char *mt)
{
    return mt != NULL && (strcmp(mt, DOCKER_MEDIA_MANIFEST_V1) == 0 ||
                          strcmp(mt, DOCKER_MEDIA_MANIFEST_V1_SIGNED) == 0);
}

/* Whether a fetched document is an index (OCI index, Docker manifest list)
 * or an image manifest: by its own mediaType, else Content-Type, else its
 * shape (some registries send application/json, old documents carry no
 * mediaType). Schema 1 is recognised to be refused. */
static int classify(struct pull *p, const struct registry_manifest *m, bool *is_index,
                    keel_err *err)
{
    struct oci_index probe;
    if (spec_parse(&spec_type_oci_index, m->body, m->len, m->digest, &probe, err) < 0)
        return keel_error_wrap(err, "%s", p->name);
    const char *mt = probe.mediaType != NULL ? probe.mediaType : m->media_type;
    int version = probe.has_schemaVersion ? probe.schemaVersion : 0;
    int ret = 0;
    if (version == 1 || is_schema1_type(mt) || is_schema1_type(m->media_type))
        ret = keel_error(err, 0,
                         "%s: Docker image manifest schema 1 is not supported (it is deprecated; "
                         "push the image again with a current client)", p->name);
    else if (version != 2)
        ret = keel_error(err, 0, "%s: unsupported manifest schemaVersion %d", p->name, version);
    *is_index = is_index_type(mt) || (!is_manifest_type(mt) && probe.manifests != NULL);
    spec_release(&spec_type_oci_index, &probe);
    return ret;
}

/* Picks the entry for the wanted platform; errors list what the index has. */
static int choose_platform(struct pull *p, const struct oci_index *idx, const char *idx_digest,
                           struct oci_descriptor *out, keel_err *err)
{
    char have[512] = "", one[100];
    size_t used = 0;
    for (size_t i = 0; i < idx->manifests_len; i++) {
        const struct oci_descriptor *d = &idx->manifests[i];
        if (platform_matches(&p->want, d->platform) && digest_is_valid(d->digest))
            return spec_copy(&spec_type_oci_descriptor, out, d, err);
        if (d->platform != NULL && used < sizeof have - 1) {
            platform_string(d->platform->os, d->platform->architecture, d->platform->variant, one,
                            sizeof one);
            used += (size_t)snprintf(have + used, sizeof have - used, "%s%s", used ? ", " : "", one);
        }
    }
    char want[100];
    return keel_error(err, 0, "%s (index %s) has no image for %s (it has: %s)", p->name, idx_digest,
                      platform_string(p->want.os, p->want.arch, p->want.variant, want, sizeof want),
                      have[0] ? have : "none");
}

static int save_manifest(struct pull *p, const struct registry_manifest *m, keel_err *err)
{
    if (store_blob_exists(p->store, m->digest, (int64_t)m->len))
        return 0;
    char d[DIGEST_BUF];
    return store_blob_put(p->store, m->body, m->len, d, err);
}

/* The image manifest the reference names on this platform: fetched, verified
 * and stored; *desc describes it for index.json. */
static int resolve_manifest(struct pull *p, const struct image_ref *r, struct oci_manifest *man,
                            struct oci_descriptor *desc, keel_err *err)
{
    struct registry_manifest m;
    if (registry_get_manifest(p->reg, r->digest ? r->digest : r->tag, &m, err) < 0)
        return -1;
    bool is_index;
    struct oci_platform *plat = NULL;
    if (classify(p, &m, &is_index, err) < 0)
        goto fail;
    if (is_index) {
        struct oci_index idx;
        struct oci_descriptor chosen;
        if (spec_parse(&spec_type_oci_index, m.body, m.len, m.digest, &idx, err) < 0)
            goto fail;
        int r2 = choose_platform(p, &idx, m.digest, &chosen, err);
        spec_release(&spec_type_oci_index, &idx);
        if (r2 < 0)
            goto fail;
        registry_manifest_release(&m);
        int r3 = registry_get_manifest(p->reg, chosen.digest, &m, err);
        plat = chosen.platform;
        chosen.platform = NULL;
        spec_release(&spec_type_oci_descriptor, &chosen);
        if (r3 < 0 || classify(p, &m, &is_index, err) < 0)
            goto fail;
        if (is_index) {
            keel_error(err, 0, "%s: index entry %s is itself an index", p->name, m.digest);
            goto fail;
        }
    }
    if (spec_parse(&spec_type_oci_manifest, m.body, m.len, m.digest, man, err) < 0)
        goto fail;
    if (man->config == NULL || !digest_is_valid(man->config->digest) || !man->config->has_size) {
        spec_release(&spec_type_oci_manifest, man);
        keel_error(err, 0, "%s: manifest %s has no valid config descriptor", p->name, m.digest);
        goto fail;
    }
    if (save_manifest(p, &m, err) < 0) {
        spec_release(&spec_type_oci_manifest, man);
        goto fail;
    }
    *desc = (struct oci_descriptor){.size = (int64_t)m.len, .has_size = true, .platform = plat};
    desc->digest = strdup(m.digest);
    desc->mediaType = strdup(man->mediaType ? man->mediaType
                             : m.media_type && is_manifest_type(m.media_type) ? m.media_type
                                                                              : OCI_MEDIA_MANIFEST);
    registry_manifest_release(&m);
    if (desc->digest == NULL || desc->mediaType == NULL) {
        spec_release(&spec_type_oci_descriptor, desc);
        spec_release(&spec_type_oci_manifest, man);
        return keel_syserror(err, "pull %s", p->name);
    }
    return 0;
fail:
    if (plat != NULL)
        oci_platform_free(plat);
    registry_manifest_release(&m);
    return -1;
}

struct progress_ctx {
    struct pull *p;
    size_t index;
    const struct oci_descriptor *desc;
    const char *kind;
};

static void on_progress(void *arg, int64_t done, int64_t total)
{
    struct progress_ctx *c = arg;
    const struct pull_observer *o = c->p->obs;
    if (o != NULL && o->progress != NULL)
        o->progress(o->arg, c->index, done, total);
}

static void notify(struct pull *p, size_t i, const char *kind, const struct oci_descriptor *d,
                   enum pull_event ev)
{
    if (p->obs != NULL && p->obs->blob != NULL)
        p->obs->blob(p->obs->arg, i, kind, d->digest, d->size, ev);
}

static void on_done(void *arg)
{
    struct progress_ctx *c = arg;
    notify(c->p, c->index, c->kind, c->desc, PULL_BLOB_DONE);
}

/* Config first (it is small and says the platform), then the layers in parallel. */
static int fetch_content(struct pull *p, const struct oci_manifest *man, keel_err *err)
{
    size_t n = man->layers_len + 1;
    cleanup_free struct registry_blob *todo = calloc(n, sizeof *todo);
    cleanup_free struct progress_ctx *ctx = calloc(n, sizeof *ctx);
    if (todo == NULL || ctx == NULL)
        return keel_syserror(err, "pull %s", p->name);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct oci_descriptor *d = i == 0 ? man->config : &man->layers[i - 1];
        const char *kind = i == 0 ? "config" : "layer";
        if (!digest_is_valid(d->digest) || !d->has_size || d->size < 0)
            return keel_error(err, 0, "%s: %s %zu has an invalid digest or size", p->name, kind, i);
        if (store_blob_exists(p->store, d->digest, d->size)) {
            notify(p, i, kind, d, PULL_BLOB_PRESENT);
            continue;
        }
        notify(p, i, kind, d, PULL_BLOB_START);
        ctx[k] = (struct progress_ctx){.p = p, .index = i};
        ctx[k].desc = d;
        ctx[k].kind = kind;
        todo[k] = (struct registry_blob){.digest = d->digest, .size = d->size,
                                         .progress = on_progress, .done = on_done,
                                         .progress_arg = &ctx[k]};
        k++;
    }
    int parallel = p->opts->parallel > 0 ? p->opts->parallel : DEFAULT_PARALLEL;
    if (registry_fetch_blobs(p->reg, p->store, todo, k, parallel, err) < 0)
        return keel_error_wrap(err, "pull %s", p->name);
    return 0;
}

/* The platform recorded in index.json, from the config when the reference
 * was not an index; a given --platform must match a single-platform image. */
static int check_platform(struct pull *p, const struct oci_manifest *man, struct oci_descriptor *desc,
                          keel_err *err)
{
    struct oci_image_config cfg;
    if (store_blob_parse(p->store, &spec_type_oci_image_config, man->config->digest,
                         man->config->size, &cfg, err) < 0)
        return keel_error_wrap(err, "%s: config", p->name);
    int ret = 0;
    struct oci_platform have = {.os = cfg.os, .architecture = cfg.architecture,
                                .variant = cfg.variant};
    if (desc->platform == NULL && p->platform_given && !platform_matches(&p->want, &have)) {
        char a[100], b[100];
        ret = keel_error(err, 0, "%s is for %s, not %s", p->name,
                         platform_string(cfg.os, cfg.architecture, cfg.variant, a, sizeof a),
                         platform_string(p->want.os, p->want.arch, p->want.variant, b, sizeof b));
    } else if (desc->platform == NULL && cfg.os != NULL && cfg.architecture != NULL) {
        desc->platform = calloc(1, sizeof *desc->platform);
        if (desc->platform == NULL || spec_copy(&spec_type_oci_platform, desc->platform, &have, err) < 0)
            ret = keel_syserror(err, "pull %s", p->name);
    }
    spec_release(&spec_type_oci_image_config, &cfg);
    return ret;
}

/* Where the blobs came from, so that a push to another repository of this
 * registry mounts them (a hint: failing to write it fails nothing). */
static void record_sources(struct pull *p, const struct image_ref *r, const struct oci_manifest *man)
{
    cleanup_free char *repo = ref_repository(r);
    keel_err ignored;
    if (repo == NULL || blob_source_add(p->store, man->config->digest, repo, &ignored) < 0)
        return;
    for (size_t i = 0; i < man->layers_len; i++)
        if (blob_source_add(p->store, man->layers[i].digest, repo, &ignored) < 0)
            return;
}

static int pull_ref(struct pull *p, const struct image_ref *r, char digest_out[DIGEST_BUF],
                    keel_err *err)
{
    struct oci_manifest man;
    struct oci_descriptor desc;
    if (resolve_manifest(p, r, &man, &desc, err) < 0)
        return -1;
    if (p->obs != NULL && p->obs->resolved != NULL)
        p->obs->resolved(p->obs->arg, p->name, desc.digest, man.layers_len);
    int ret = fetch_content(p, &man, err);
    if (ret == 0)
        ret = check_platform(p, &man, &desc, err);
    if (ret == 0)
        ret = store_tag(p->store, p->name, &desc, err);
    if (ret == 0)
        record_sources(p, r, &man);
    if (ret == 0)
        snprintf(digest_out, DIGEST_BUF, "%s", desc.digest);
    spec_release(&spec_type_oci_manifest, &man);
    spec_release(&spec_type_oci_descriptor, &desc);
    return ret;
}

int image_pull(struct store *s, const char *ref, const struct pull_opts *o,
               char digest_out[DIGEST_BUF], keel_err *err)
{
    struct pull p = {.store = s, .opts = o, .obs = o->observer};
    if (o->platform != NULL) {
        if (platform_parse(o->platform, &p.want, err) < 0)
            return -1;
        p.platform_given = true;
    } else {
        platform_host(&p.want);
    }
    struct image_ref r;
    if (ref_parse(ref, &r, err) < 0)
        return -1;
    int ret = -1;
    p.name = ref_string(&r);
    if (p.name == NULL)
        keel_syserror(err, "pull %s", ref);
    else if ((p.reg = registry_open(&r, &o->registry, err)) == NULL)
        keel_error_wrap(err, "pull %s", p.name);
    else
        ret = pull_ref(&p, &r, digest_out, err);
    registry_free(p.reg);
    free(p.name);
    ref_release(&r);
    return ret;
}
