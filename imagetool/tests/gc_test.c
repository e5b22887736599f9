/* rm and gc on a store holding hand-made images and bundle records. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob_source.h"
#include "image.h"
#include "keel/cleanup.h"
#include "store_fixture.h"
#include "util.h"

static char root[STORE_FIXTURE_ROOT_MAX];
static struct store st;

static void setup(void)
{
    store_fixture_open(root, &st);
}

static void teardown(void)
{
    store_fixture_close(root, &st);
}

TestSuite(gc, .init = setup, .fini = teardown);

static void put(const char *content, char d[DIGEST_BUF])
{
    keel_err err = {0};
    cr_assert_eq(store_blob_put(&st, content, strlen(content), d, &err), 0, "%s", err.msg);
}

static void make_image(const char *name, char manifest[DIGEST_BUF], char layer[DIGEST_BUF],
                       char diff[DIGEST_BUF])
{
    store_fixture_image(&st, name, name, manifest, layer, diff);
}

static bool blob_there(const char *d)
{
    return store_blob_exists(&st, d, -1);
}

static bool layer_there(const char *diff)
{
    cleanup_free char *dir = store_layer_path(&st, diff, NULL);
    return access(dir, F_OK) == 0;
}

static void gc_exclusive(bool dry_run, struct gc_report *rep)
{
    keel_err err = {0};
    store_close(&st);
    cr_assert_eq(store_open(&st, root, STORE_EXCLUSIVE, &err), 0, "%s", err.msg);
    cr_assert_eq(image_gc(&st, dry_run, rep, &err), 0, "%s", err.msg);
    store_close(&st);
    cr_assert_eq(store_open(&st, root, STORE_SHARED, &err), 0, "%s", err.msg);
}

Test(gc, removes_only_unreachable)
{
    char m1[DIGEST_BUF], l1[DIGEST_BUF], d1[DIGEST_BUF];
    char m2[DIGEST_BUF], l2[DIGEST_BUF], d2[DIGEST_BUF];
    make_image("one", m1, l1, d1);
    make_image("two", m2, l2, d2);
    char stray[DIGEST_BUF];
    put("unreferenced", stray);
    keel_err serr = {0};
    cr_assert_eq(blob_source_add(&st, stray, "r:5000/a/b", &serr), 0, "%s", serr.msg);
    cr_assert_eq(blob_source_add(&st, l2, "r:5000/a/b", &serr), 0, "%s", serr.msg);
    cleanup_free char *tmpfile = path_join(root, "/tmp/blob-leftover");
    FILE *f = fopen(tmpfile, "w");
    fclose(f);

    struct gc_report rep = {0};
    gc_exclusive(true, &rep);
    cr_assert_eq(rep.blobs, 1);
    cr_assert_eq(rep.temps, 1);
    cr_assert(blob_there(stray), "dry run removed a blob");

    memset(&rep, 0, sizeof rep);
    gc_exclusive(false, &rep);
    cr_assert_eq(rep.blobs, 1);
    cr_assert_eq(rep.layers, 0);
    cr_assert_not(blob_there(stray));
    cr_assert_eq(rep.sources, 1);
    cleanup_free char *kept = blob_source_find(&st, l2, "r:5000", "x/y");
    cr_assert_str_eq(kept, "a/b");
    cr_assert_eq(access(tmpfile, F_OK), -1);
    cr_assert(blob_there(m1) && blob_there(l1) && blob_there(m2) && blob_there(l2));
    cr_assert(layer_there(d1) && layer_there(d2));

    keel_err err = {0};
    cr_assert_eq(image_remove(&st, "one", false, NULL, &err), 0, "%s", err.msg);
    memset(&rep, 0, sizeof rep);
    gc_exclusive(false, &rep);
    cr_assert_eq(rep.blobs, 3); /* manifest, config, layer */
    cr_assert_eq(rep.layers, 1);
    cr_assert_not(blob_there(m1) || blob_there(l1) || layer_there(d1));
    cr_assert(blob_there(m2) && blob_there(l2) && layer_there(d2));
}

Test(gc, live_bundles_keep_images_and_block_rm)
{
    char m1[DIGEST_BUF], l1[DIGEST_BUF], d1[DIGEST_BUF];
    make_image("one", m1, l1, d1);
    keel_err err = {0};
    cleanup_free char *bundle = store_mkdtemp(&st, "bundle", &err);
    cr_assert_eq(store_bundle_add(&st, bundle, m1, true, &err), 0, "%s", err.msg);

    cr_assert_eq(image_remove(&st, "one", false, NULL, &err), -1);
    cr_assert(strstr(err.msg, "is used by bundle") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, bundle) != NULL, "%s", err.msg);

    /* a second tag of the same image can go */
    struct oci_descriptor d;
    cr_assert_eq(store_resolve(&st, "one", &d, &err), 0);
    cr_assert_eq(store_tag(&st, "other", &d, &err), 0);
    spec_release(&spec_type_oci_descriptor, &d);
    cr_assert_eq(image_remove(&st, "other", false, NULL, &err), 0, "%s", err.msg);

    cr_assert_eq(image_remove(&st, "one", true, NULL, &err), 0, "%s", err.msg);
    /* bundle dirs live in tmp/ here, which gc empties: move it out first */
    cleanup_free char *live = NULL;
    cr_assert_geq(asprintf(&live, "%s/live-bundle", root), 0);
    cr_assert_eq(rename(bundle, live), 0);
    cr_assert_eq(store_bundle_remove(&st, bundle, &err), 0);
    cr_assert_eq(store_bundle_add(&st, live, m1, true, &err), 0);

    struct gc_report rep = {0};
    gc_exclusive(false, &rep);
    cr_assert(blob_there(m1) && blob_there(l1) && layer_there(d1), "gc removed what a live bundle uses");
    cr_assert_eq(rep.records, 0);

    cr_assert_eq(remove_tree(live, &err), 0);
    memset(&rep, 0, sizeof rep);
    gc_exclusive(false, &rep);
    cr_assert_eq(rep.records, 1, "a gone bundle's record stays");
    cr_assert_not(blob_there(m1) || layer_there(d1));
}

Test(gc, list_and_inspect)
{
    char m1[DIGEST_BUF], l1[DIGEST_BUF], d1[DIGEST_BUF];
    make_image("one", m1, l1, d1);
    keel_err err = {0};
    struct keel_image_list l;
    cr_assert_eq(image_list(&st, &l, &err), 0, "%s", err.msg);
    cr_assert_eq(l.images_len, 1);
    cr_assert_str_eq(l.images[0].reference, "docker.io/library/one:latest");
    cr_assert_str_eq(l.images[0].digest, m1);
    cr_assert_str_eq(l.images[0].platform, "linux/amd64");
    cr_assert_str_eq(l.images[0].created, "2024-01-02T03:04:05Z");
    spec_release(&spec_type_keel_image_list, &l);

    struct keel_image_inspect info;
    cr_assert_eq(image_inspect(&st, "one", &info, &err), 0, "%s", err.msg);
    cr_assert_str_eq(info.digest, m1);
    cr_assert_eq(info.layers_len, 1);
    cr_assert_str_eq(info.layers[0].digest, l1);
    cr_assert_str_eq(info.layers[0].diff_id, d1);
    cr_assert_not_null(info.layers[0].unpacked);
    cr_assert_str_eq(info.config->os, "linux");
    spec_release(&spec_type_keel_image_inspect, &info);
    cr_assert_eq(image_inspect(&st, "nothere", &info, &err), -1);
}
