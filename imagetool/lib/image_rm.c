/* Removing an image as docker's rmi does: a reference is untagged, an ID
 * untags every reference; the image is deleted with its last reference, and
 * what went is reported (Untagged:, then Deleted: the ID and its layers). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "digest.h"
#include "image.h"
#include "image_find.h"
#include "keel/cleanup.h"
#include "stored_image.h"

bool bundle_is_live(const struct keel_bundle_record *r)
{
    struct stat st;
    return r->path != NULL && stat(r->path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int check_unused(struct store *s, const char *name, const char *digest, keel_err *err)
{
    struct keel_bundle_record *v;
    size_t n;
    if (store_bundle_list(s, &v, &n, err) < 0)
        return -1;
    int ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++)
        if (v[i].manifest != NULL && strcmp(v[i].manifest, digest) == 0 && bundle_is_live(&v[i]))
            ret = keel_error(err, EBUSY, "image %s is used by bundle %s (use -f to remove it anyway)",
                             name, v[i].path);
    keel_bundle_records_free(v, n);
    return ret;
}

void image_chain_ids(char *const *diff_ids, size_t n, char (*out)[DIGEST_BUF])
{
    for (size_t i = 0; i < n; i++) {
        if (i == 0) {
            snprintf(out[0], DIGEST_BUF, "%s", diff_ids[0]);
            continue;
        }
        char buf[2 * DIGEST_BUF + 1];
        snprintf(buf, sizeof buf, "%s %s", out[i - 1], diff_ids[i]);
        digest_buffer(buf, strlen(buf), out[i]);
    }
}

/* Whether another image the store still names has layer chain id at depth i. */
static bool chain_shared(struct store *s, const char *chain, size_t depth)
{
    struct image_entries e;
    keel_err ignored = {0};
    if (image_entries_read(s, &e, &ignored) < 0)
        return true; /* when in doubt, do not claim it went */
    bool shared = false;
    for (size_t k = 0; k < e.len && !shared; k++) {
        struct stored_image img;
        if (e.ids[k] == NULL || stored_image_read(s, e.refs[k], &img, &ignored) < 0)
            continue;
        size_t n = img.config.rootfs != NULL ? img.config.rootfs->diff_ids_len : 0;
        if (n > depth) {
            char (*c)[DIGEST_BUF] = calloc(n, DIGEST_BUF);
            if (c == NULL) {
                shared = true;
            } else {
                image_chain_ids(img.config.rootfs->diff_ids, n, c);
                shared = strcmp(c[depth], chain) == 0;
                free(c);
            }
        }
        stored_image_release(&img);
    }
    image_entries_release(&e);
    return shared;
}

/* Deleted: the ID, then its layers from the top while no other image shares them. */
static void report_deleted(struct store *s, const struct image_found *f,
                           const struct oci_image_config *cfg, const struct rm_report *rep)
{
    if (rep == NULL || rep->deleted == NULL)
        return;
    rep->deleted(rep->arg, f->id);
    size_t n = cfg->rootfs != NULL ? cfg->rootfs->diff_ids_len : 0;
    cleanup_free char (*c)[DIGEST_BUF] = n > 0 ? calloc(n, DIGEST_BUF) : NULL;
    if (c == NULL)
        return;
    image_chain_ids(cfg->rootfs->diff_ids, n, c);
    for (size_t i = n; i-- > 0 && !chain_shared(s, c[i], i);)
        rep->deleted(rep->arg, c[i]);
}

static int untag(struct store *s, const char *ref, const struct rm_report *rep, keel_err *err)
{
    if (store_untag(s, ref, err) < 0)
        return -1;
    if (rep != NULL && rep->untagged != NULL)
        rep->untagged(rep->arg, ref);
    return 0;
}

static int remove_found(struct store *s, const struct image_found *f, const char *arg, bool force,
                        const struct rm_report *rep, keel_err *err)
{
    if (f->by_id && f->refs_len > 1 && !force)
        return keel_error(err, EBUSY,
                          "conflict: unable to delete %.12s (must be forced) - image is "
                          "referenced in multiple repositories", f->id + 7);
    bool last = f->by_id || f->refs_len == 1;
    /* a live bundle guards its manifest: the references that go must not be
     * the last ones naming a manifest one uses */
    for (size_t i = 0; i < f->refs_len && !force; i++) {
        const char *m = f->ref_manifests[i];
        bool goes = f->by_id || strcmp(f->refs[i], f->ref) == 0;
        size_t staying = 0;
        for (size_t j = 0; j < f->refs_len; j++)
            staying += strcmp(f->ref_manifests[j], m) == 0 &&
                       !(f->by_id || strcmp(f->refs[j], f->ref) == 0);
        if (goes && staying == 0 && check_unused(s, arg, m, err) < 0)
            return -1;
    }
    struct stored_image img;
    if (stored_image_read(s, f->ref, &img, err) < 0)
        return -1;
    int ret = 0;
    if (f->by_id)
        for (size_t i = 0; i < f->refs_len && ret == 0; i++)
            ret = untag(s, f->refs[i], rep, err);
    else
        ret = untag(s, f->ref, rep, err);
    if (ret == 0 && last)
        report_deleted(s, f, &img.config, rep);
    stored_image_release(&img);
    return ret;
}

int image_remove(struct store *s, const char *arg, bool force, const struct rm_report *rep,
                 keel_err *err)
{
    struct image_found f;
    if (image_find(s, arg, &f, err) < 0)
        return -1;
    int ret = remove_found(s, &f, arg, force, rep, err);
    image_found_release(&f);
    return ret;
}
