/* ls and inspect: what the store holds, read from index.json, manifests and configs. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image.h"
#include "keel/cleanup.h"
#include "platform.h"
#include "stored_image.h"

/* nftw's callback has no argument: the walk's state, one walk at a time. */
static struct {
    int64_t bytes;
    ino_t *seen; /* inodes of files with several links, counted once */
    size_t nseen, cap;
    bool oom;
} walk;

static int count_file(const char *path, const struct stat *st, int type, struct FTW *f)
{
    (void)path, (void)type, (void)f;
    if (!S_ISREG(st->st_mode))
        return 0;
    if (st->st_nlink > 1) {
        for (size_t i = 0; i < walk.nseen; i++)
            if (walk.seen[i] == st->st_ino)
                return 0;
        if (walk.nseen == walk.cap) {
            size_t cap = walk.cap ? walk.cap * 2 : 64;
            ino_t *p = realloc(walk.seen, cap * sizeof *p);
            if (p == NULL) {
                walk.oom = true;
                return 1;
            }
            walk.seen = p;
            walk.cap = cap;
        }
        walk.seen[walk.nseen++] = st->st_ino;
    }
    walk.bytes += st->st_size;
    return 0;
}

/* docker's size of an unpacked layer: its regular files' bytes (symbolic links
 * and directories do not count, hard links once); -1 when dir is not there. */
static int64_t layer_content_size(const char *dir)
{
    walk.bytes = 0;
    walk.nseen = 0;
    walk.oom = false;
    int rc = nftw(dir, count_file, 32, FTW_PHYS | FTW_MOUNT);
    free(walk.seen);
    walk.seen = NULL;
    walk.cap = 0;
    return rc == 0 && !walk.oom ? walk.bytes : -1;
}

/* The image's content size over its DiffIDs, or -1 when a layer is not unpacked. */
static int64_t image_content_size(struct store *s, const struct oci_image_config *cfg)
{
    int64_t total = 0;
    size_t n = cfg->rootfs != NULL ? cfg->rootfs->diff_ids_len : 0;
    for (size_t i = 0; i < n; i++) {
        keel_err ignored;
        cleanup_free char *dir = store_layer_path(s, cfg->rootfs->diff_ids[i], &ignored);
        int64_t b = dir != NULL ? layer_content_size(dir) : -1;
        if (b < 0)
            return -1;
        total += b;
    }
    return total;
}

static int summarize(struct store *s, const struct oci_descriptor *d, const char *name,
                     struct keel_image_summary *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    out->reference = strdup(name);
    out->digest = strdup(d->digest ? d->digest : "");
    if (out->reference == NULL || out->digest == NULL)
        return keel_syserror(err, "ls");
    struct stored_image img;
    keel_err ignored;
    if (stored_image_read(s, name, &img, &ignored) < 0)
        return 0; /* not an image this store can read: listed by name and digest */
    out->id = strdup(img.manifest.config->digest);
    int64_t size = img.manifest.config->size;
    for (size_t i = 0; i < img.manifest.layers_len; i++)
        size += img.manifest.layers[i].size;
    out->size = size;
    out->has_size = true;
    out->content_size = image_content_size(s, &img.config);
    out->has_content_size = out->content_size >= 0;
    char plat[128];
    if (img.config.os != NULL && img.config.architecture != NULL)
        out->platform = strdup(platform_string(img.config.os, img.config.architecture,
                                               img.config.variant, plat, sizeof plat));
    if (img.config.created != NULL)
        out->created = strdup(img.config.created);
    const struct oci_image_exec_config *ec = img.config.config;
    for (size_t i = 0; ec != NULL && i < ec->Labels_len; i++)
        if (spec_map_set(&out->labels_keys, &out->labels, &out->labels_len, ec->Labels_keys[i],
                         ec->Labels[i]) < 0) {
            stored_image_release(&img);
            return keel_syserror(err, "ls");
        }
    stored_image_release(&img);
    return 0;
}

int image_list(struct store *s, struct keel_image_list *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    struct oci_index idx;
    if (store_index_read(s, &idx, err) < 0)
        return -1;
    out->images = calloc(idx.manifests_len + 1, sizeof *out->images);
    int ret = out->images == NULL ? keel_syserror(err, "ls") : 0;
    for (size_t i = 0; i < idx.manifests_len && ret == 0; i++) {
        const char *name = store_entry_ref(&idx.manifests[i]);
        if (name == NULL)
            continue;
        ret = summarize(s, &idx.manifests[i], name, &out->images[out->images_len], err);
        out->images_len++;
    }
    spec_release(&spec_type_oci_index, &idx);
    if (ret < 0)
        spec_release(&spec_type_keel_image_list, out);
    return ret;
}

static int describe_layers(struct store *s, const struct stored_image *img,
                           struct keel_image_inspect *out, keel_err *err)
{
    size_t n = img->manifest.layers_len;
    out->layers = calloc(n + 1, sizeof *out->layers);
    if (out->layers == NULL)
        return keel_syserror(err, "inspect");
    for (size_t i = 0; i < n; i++) {
        const struct oci_descriptor *l = &img->manifest.layers[i];
        struct keel_image_layer *o = &out->layers[i];
        out->layers_len++;
        o->digest = strdup(l->digest);
        o->mediaType = l->mediaType ? strdup(l->mediaType) : NULL;
        o->size = l->size;
        o->has_size = l->has_size;
        o->diff_id = strdup(img->config.rootfs->diff_ids[i]);
        if (o->digest == NULL || o->diff_id == NULL)
            return keel_syserror(err, "inspect");
        cleanup_free char *dir = store_layer_path(s, o->diff_id, err);
        struct stat st;
        if (dir == NULL)
            return -1;
        if (stat(dir, &st) == 0) {
            o->content_size = layer_content_size(dir);
            o->has_content_size = o->content_size >= 0;
            o->unpacked = steal_ptr(dir);
        }
    }
    return 0;
}

int image_inspect(struct store *s, const char *ref, struct keel_image_inspect *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    struct stored_image img;
    if (stored_image_read(s, ref, &img, err) < 0)
        return -1;
    const char *name = store_entry_ref(&img.desc);
    int ret = 0;
    out->reference = strdup(name ? name : ref);
    out->digest = strdup(img.desc.digest);
    out->id = strdup(img.manifest.config->digest);
    out->mediaType = img.desc.mediaType ? strdup(img.desc.mediaType) : NULL;
    out->size = img.desc.size;
    out->has_size = img.desc.has_size;
    out->manifest = calloc(1, sizeof *out->manifest);
    out->config = calloc(1, sizeof *out->config);
    if (out->reference == NULL || out->digest == NULL || out->id == NULL || out->manifest == NULL ||
        out->config == NULL)
        ret = keel_syserror(err, "inspect %s", ref);
    if (ret == 0) {
        /* move the parsed documents over rather than copy them */
        *out->manifest = img.manifest;
        memset(&img.manifest, 0, sizeof img.manifest);
        *out->config = img.config;
        memset(&img.config, 0, sizeof img.config);
        struct stored_image view = {.manifest = *out->manifest, .config = *out->config};
        ret = describe_layers(s, &view, out, err);
    }
    stored_image_release(&img);
    if (ret < 0)
        spec_release(&spec_type_keel_image_inspect, out);
    return ret;
}
