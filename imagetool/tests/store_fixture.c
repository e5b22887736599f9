/* The temp-dir store the store and gc suites set up per test (store_fixture.h). */
#include "store_fixture.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "keel/cleanup.h"
#include "util.h"

void store_fixture_open(char root[STORE_FIXTURE_ROOT_MAX], struct store *st)
{
    snprintf(root, STORE_FIXTURE_ROOT_MAX, "/tmp/keel-store-test-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    keel_err err = {0};
    cr_assert_eq(store_open(st, root, STORE_SHARED, &err), 0, "%s", err.msg);
}

void store_fixture_close(const char *root, struct store *st)
{
    store_close(st);
    remove_tree(root, NULL);
}

static void put(struct store *st, const char *content, char d[DIGEST_BUF])
{
    keel_err err = {0};
    cr_assert_eq(store_blob_put(st, content, strlen(content), d, &err), 0, "%s", err.msg);
}

void store_fixture_image(struct store *st, const char *name, const char *layer_name,
                         char manifest[DIGEST_BUF], char layer[DIGEST_BUF], char diff[DIGEST_BUF])
{
    char cfg[DIGEST_BUF], buf[1024];
    snprintf(buf, sizeof buf, "layer-%s", layer_name);
    put(st, buf, layer);
    snprintf(buf, sizeof buf, "diff-%s", layer_name);
    digest_buffer(buf, strlen(buf), diff);
    char config[512];
    snprintf(config, sizeof config,
             "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\","
             "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}", diff);
    put(st, config, cfg);
    char man[1024];
    snprintf(man, sizeof man,
             "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\","
             "\"digest\":\"%s\",\"size\":%zu},\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"%s\","
             "\"size\":%zu}]}", OCI_MEDIA_MANIFEST, OCI_MEDIA_CONFIG, cfg, strlen(config),
             OCI_MEDIA_LAYER_TAR, layer, strlen(layer_name) + 6);
    put(st, man, manifest);
    struct oci_descriptor d = {.mediaType = (char *)OCI_MEDIA_MANIFEST, .digest = manifest,
                               .size = (int64_t)strlen(man), .has_size = true};
    keel_err err = {0};
    cr_assert_eq(store_tag(st, name, &d, &err), 0, "%s", err.msg);
    /* an unpacked layer dir, as image-unpack makes them */
    cleanup_free char *dir = store_layer_path(st, diff, &err);
    if (mkdir(dir, 0755) < 0) {
        cr_assert_eq(errno, EEXIST);
        return;
    }
    cleanup_free char *file = path_join(dir, "/file");
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fputs("x", f);
    fclose(f);
}
