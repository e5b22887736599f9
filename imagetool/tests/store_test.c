/* The store: layout, blobs written atomically and verified, tags, bundle records. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "store_fixture.h"
#include "store.h"
#include "util.h"

#define ABC "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

STORE_FIXTURE_SUITE(store);

static int count_entries(const char *sub)
{
    cleanup_free char *p = path_join(root, sub);
    cleanup_dir DIR *d = opendir(p);
    cr_assert_not_null(d, "%s", p);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    return n;
}

Test(store, creates_layout)
{
    const char *want[] = {"/oci/oci-layout", "/oci/index.json", "/oci/blobs/sha256", "/layers/sha256",
                          "/bundles", "/tmp", "/lock"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        cleanup_free char *p = path_join(root, want[i]);
        cr_assert_eq(access(p, F_OK), 0, "%s missing", p);
    }
    keel_err err = {0};
    cleanup_free char *buf = NULL;
    size_t len;
    cleanup_free char *layout = path_join(root, "/oci/oci-layout");
    cr_assert_eq(read_file(layout, 4096, &buf, &len, &err), 0);
    cr_assert_str_eq(buf, "{\"imageLayoutVersion\":\"1.0.0\"}");
    struct oci_index idx;
    cr_assert_eq(store_index_read(&st, &idx, &err), 0, "%s", err.msg);
    cr_assert_eq(idx.schemaVersion, 2);
    cr_assert_not_null(idx.manifests);
    cr_assert_eq(idx.manifests_len, 0);
    spec_release(&spec_type_oci_index, &idx);
    /* reopening keeps what is there */
    struct store again;
    cr_assert_eq(store_open(&again, root, STORE_SHARED, &err), 0, "%s", err.msg);
    store_close(&again);
}

Test(store, put_and_read_blob)
{
    keel_err err = {0};
    char d[DIGEST_BUF];
    cr_assert_eq(store_blob_put(&st, "abc", 3, d, &err), 0, "%s", err.msg);
    cr_assert_str_eq(d, ABC);
    cr_assert(store_blob_exists(&st, ABC, 3));
    cr_assert(store_blob_exists(&st, ABC, -1));
    cr_assert_not(store_blob_exists(&st, ABC, 4));
    cleanup_free char *p = store_blob_path(&st, ABC, &err);
    struct stat sb;
    cr_assert_eq(stat(p, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0644);
    cleanup_free char *buf = NULL;
    size_t len;
    cr_assert_eq(store_blob_read(&st, ABC, 3, &buf, &len, &err), 0, "%s", err.msg);
    cr_assert_eq(len, 3);
    cr_assert_str_eq(buf, "abc");
    cr_assert_eq(count_entries("/tmp"), 0);
}

Test(store, streaming_writer_verifies)
{
    keel_err err = {0};
    struct blob_writer *w = store_blob_create(&st, ABC, 3, &err);
    cr_assert_not_null(w, "%s", err.msg);
    cr_assert_eq(blob_writer_write(w, "x", 1, &err), 0);
    cr_assert_eq(blob_writer_restart(w, &err), 0, "%s", err.msg);
    cr_assert_eq(blob_writer_write(w, "ab", 2, &err), 0);
    cr_assert_eq(blob_writer_write(w, "c", 1, &err), 0);
    cr_assert_eq(blob_writer_size(w), 3);
    cr_assert_eq(blob_writer_commit(w, &err), 0, "%s", err.msg);
    cr_assert(store_blob_exists(&st, ABC, 3));
}

Test(store, digest_mismatch_leaves_no_trace)
{
    keel_err err = {0};
    struct blob_writer *w = store_blob_create(&st, ABC, 3, &err);
    cr_assert_not_null(w);
    cr_assert_eq(blob_writer_write(w, "abd", 3, &err), 0);
    cr_assert_eq(blob_writer_commit(w, &err), -1);
    cr_assert(strstr(err.msg, "blob " ABC ": digest mismatch: expected " ABC ", got sha256:") != NULL,
              "%s", err.msg);
    cr_assert_not(store_blob_exists(&st, ABC, -1));
    cr_assert_eq(count_entries("/tmp"), 0);
    cr_assert_eq(count_entries("/oci/blobs/sha256"), 0);
}

Test(store, size_mismatch_refused)
{
    keel_err err = {0};
    struct blob_writer *w = store_blob_create(&st, ABC, 2, &err);
    cr_assert_not_null(w);
    cr_assert_eq(blob_writer_write(w, "abc", 3, &err), -1);
    cr_assert(strstr(err.msg, "size mismatch: expected 2 bytes") != NULL, "%s", err.msg);
    blob_writer_abort(w);
    w = store_blob_create(&st, ABC, 4, &err);
    cr_assert_eq(blob_writer_write(w, "abc", 3, &err), 0);
    cr_assert_eq(blob_writer_commit(w, &err), -1);
    cr_assert(strstr(err.msg, "expected 4 bytes, got 3") != NULL, "%s", err.msg);
    cr_assert_eq(count_entries("/tmp"), 0);
    cr_assert_eq(count_entries("/oci/blobs/sha256"), 0);
}

Test(store, corrupt_blob_in_store_refused)
{
    keel_err err = {0};
    char d[DIGEST_BUF];
    cr_assert_eq(store_blob_put(&st, "abc", 3, d, &err), 0);
    cleanup_free char *p = store_blob_path(&st, d, &err);
    FILE *f = fopen(p, "w");
    fputs("abd", f);
    fclose(f);
    cleanup_free char *buf = NULL;
    size_t len;
    cr_assert_eq(store_blob_read(&st, d, 3, &buf, &len, &err), -1);
    cr_assert(strstr(err.msg, "digest mismatch") != NULL, "%s", err.msg);
}

Test(store, bad_digest_is_not_a_path)
{
    keel_err err = {0};
    cr_assert_null(store_blob_path(&st, "sha256:../../etc/passwd", &err));
    cr_assert(strstr(err.msg, "invalid digest") != NULL, "%s", err.msg);
    cr_assert_null(store_blob_create(&st, "sha256:zz", 1, &err));
    cr_assert_null(store_layer_path(&st, "md5:abc", &err));
    cleanup_free char *l = store_layer_path(&st, ABC, &err);
    cleanup_free char *want = NULL;
    cr_assert_geq(asprintf(&want, "%s/layers/sha256/%s", st.root, ABC + 7), 0);
    cr_assert_str_eq(l, want);
}

static void put_desc(struct oci_descriptor *d, char digest[DIGEST_BUF], const char *content)
{
    keel_err err = {0};
    cr_assert_eq(store_blob_put(&st, content, strlen(content), digest, &err), 0, "%s", err.msg);
    *d = (struct oci_descriptor){.mediaType = (char *)"application/vnd.oci.image.manifest.v1+json",
                                 .digest = digest, .size = (int64_t)strlen(content),
                                 .has_size = true};
}

Test(store, tag_resolve_untag)
{
    keel_err err = {0};
    char d1[DIGEST_BUF], d2[DIGEST_BUF];
    struct oci_descriptor a, b, got;
    put_desc(&a, d1, "{\"one\":1}");
    put_desc(&b, d2, "{\"two\":2}");
    cr_assert_eq(store_tag(&st, "busybox", &a, &err), 0, "%s", err.msg);
    cr_assert_eq(store_tag(&st, "example.com:5000/x/y:v1", &b, &err), 0, "%s", err.msg);
    cr_assert_eq(store_resolve(&st, "docker.io/library/busybox:latest", &got, &err), 0, "%s", err.msg);
    cr_assert_str_eq(got.digest, d1);
    cr_assert_str_eq(store_entry_ref(&got), "docker.io/library/busybox:latest");
    spec_release(&spec_type_oci_descriptor, &got);

    /* re-pointing a tag replaces the entry */
    cr_assert_eq(store_tag(&st, "busybox:latest", &b, &err), 0, "%s", err.msg);
    struct oci_index idx;
    cr_assert_eq(store_index_read(&st, &idx, &err), 0);
    cr_assert_eq(idx.manifests_len, 2);
    spec_release(&spec_type_oci_index, &idx);
    cr_assert_eq(store_resolve(&st, "busybox", &got, &err), 0);
    cr_assert_str_eq(got.digest, d2);
    spec_release(&spec_type_oci_descriptor, &got);

    /* repo@digest finds the image pulled by tag */
    cleanup_free char *byd = NULL;
    cr_assert_geq(asprintf(&byd, "example.com:5000/x/y@%s", d2), 0);
    cr_assert_eq(store_resolve(&st, byd, &got, &err), 0, "%s", err.msg);
    spec_release(&spec_type_oci_descriptor, &got);
    cleanup_free char *other = NULL;
    cr_assert_geq(asprintf(&other, "example.com:5000/x/z@%s", d2), 0);
    cr_assert_eq(store_resolve(&st, other, &got, &err), -1);

    cr_assert_eq(store_untag(&st, "busybox", &err), 0, "%s", err.msg);
    cr_assert_eq(store_resolve(&st, "busybox", &got, &err), -1);
    cr_assert_eq(err.errnum, ENOENT);
    cr_assert(strstr(err.msg, "docker.io/library/busybox:latest not found") != NULL, "%s", err.msg);
    cr_assert_eq(store_untag(&st, "busybox", &err), -1);
    cr_assert_eq(err.errnum, ENOENT);
    cr_assert_eq(count_entries("/tmp"), 0);
}

Test(store, tag_needs_the_blob)
{
    keel_err err = {0};
    struct oci_descriptor d = {.mediaType = (char *)"x", .digest = (char *)ABC, .size = 3,
                               .has_size = true};
    cr_assert_eq(store_tag(&st, "busybox", &d, &err), -1);
    cr_assert(strstr(err.msg, "not in the store") != NULL, "%s", err.msg);
    cr_assert_eq(store_tag(&st, "Bad Ref", &d, &err), -1);
}

Test(store, bundle_records)
{
    keel_err err = {0};
    cr_assert_eq(store_bundle_add(&st, "/run/b1", ABC, true, &err), 0, "%s", err.msg);
    cr_assert_eq(store_bundle_add(&st, "/run/b2", ABC, true, &err), 0, "%s", err.msg);
    cr_assert_eq(store_bundle_add(&st, "/run/b1", ABC, true, &err), 0, "%s", err.msg);
    cr_assert_eq(store_bundle_add(&st, "relative", ABC, true, &err), -1);
    cr_assert_eq(store_bundle_add(&st, "/run/b3", "sha256:nope", true, &err), -1);
    struct keel_bundle_record *v;
    size_t n;
    cr_assert_eq(store_bundle_list(&st, &v, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(v[0].manifest, ABC);
    cr_assert(strcmp(v[0].path, "/run/b1") == 0 || strcmp(v[1].path, "/run/b1") == 0);
    keel_bundle_records_free(v, n);
    cr_assert_eq(store_bundle_remove(&st, "/run/b1", &err), 0);
    cr_assert_eq(store_bundle_remove(&st, "/run/b1", &err), 0);
    cr_assert_eq(store_bundle_list(&st, &v, &n, &err), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(v[0].path, "/run/b2");
    keel_bundle_records_free(v, n);
}

/* A volatile bundle's record is written without fsync; one a host crash left
 * empty must not break rm and gc, which list the records. */
Test(store, bundle_records_volatile_and_empty)
{
    keel_err err = {0};
    cr_assert_eq(store_bundle_add(&st, "/run/v1", ABC, false, &err), 0, "%s", err.msg);
    char path[4200];
    snprintf(path, sizeof path, "%s/bundles/empty-after-a-crash", st.root);
    int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    cr_assert_geq(fd, 0);
    close(fd);
    struct keel_bundle_record *v;
    size_t n;
    cr_assert_eq(store_bundle_list(&st, &v, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(v[0].path, "/run/v1");
    cr_assert_str_eq(v[0].manifest, ABC);
    keel_bundle_records_free(v, n);
}

Test(store, mkdtemp_in_store)
{
    keel_err err = {0};
    cleanup_free char *d = store_mkdtemp(&st, "unpack", &err);
    cr_assert_not_null(d, "%s", err.msg);
    cr_assert(strncmp(d, st.root, strlen(st.root)) == 0);
    struct stat sb;
    cr_assert_eq(stat(d, &sb), 0);
    cr_assert(S_ISDIR(sb.st_mode));
}
