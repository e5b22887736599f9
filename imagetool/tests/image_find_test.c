/* Image arguments as docker reads them (IDs, prefixes, references) and rm's
 * docker semantics over them. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "image_find.h"
#include "keel/cleanup.h"
#include "store_fixture.h"

#define ID_A "sha256:66734efaaf8a53e420e223f55f1ea71b940ef01713fa8fea9c1298c7477c980e"
#define ID_B "sha256:66eb422b748c7fb357372aae423b4c250a1f1ec2cb7b5b2df16682554da85eff"
#define ID_C "sha256:9b2911a2b634883f8cd5548bb0a767b8d9817eced687e95c00e3a4c97d6eae28"

Test(image_id, shapes)
{
    cr_assert(image_id_full(ID_A));
    cr_assert(image_id_full(ID_A + 7));
    cr_assert_not(image_id_full("sha256:66734e"));
    cr_assert(image_id_like("66734e"));
    cr_assert(image_id_like("sha256:66734e"));
    cr_assert_not(image_id_like("busybox"));
    cr_assert_not(image_id_like(""));
    cr_assert_not(image_id_like("sha256:"));
    cr_assert_not(image_id_like("66734E"), "docker's IDs are lowercase");
}

Test(image_id, match)
{
    char *ids[] = {ID_A, NULL, ID_B, ID_C, ID_A};
    cr_assert_eq(image_id_match(ids, 5, "9"), 3);
    cr_assert_eq(image_id_match(ids, 5, "sha256:9b29"), 3);
    cr_assert_eq(image_id_match(ids, 5, ID_C), 3);
    cr_assert_eq(image_id_match(ids, 5, ID_C + 7), 3);
    cr_assert_eq(image_id_match(ids, 5, "667"), 0, "two entries of one image are one match");
    cr_assert_eq(image_id_match(ids, 5, "66"), IMAGE_ID_AMBIGUOUS);
    cr_assert_eq(image_id_match(ids, 5, "6"), IMAGE_ID_AMBIGUOUS);
    cr_assert_eq(image_id_match(ids, 5, "1234"), IMAGE_ID_NONE);
    cr_assert_eq(image_id_match(ids, 5, "busybox"), IMAGE_ID_NONE);
}

Test(image_id, chain_ids)
{
    char *diffs[] = {ID_A, ID_B};
    char out[2][DIGEST_BUF];
    image_chain_ids(diffs, 2, out);
    cr_assert_str_eq(out[0], ID_A);
    char want[DIGEST_BUF], buf[2 * DIGEST_BUF];
    snprintf(buf, sizeof buf, "%s %s", ID_A, ID_B);
    digest_buffer(buf, strlen(buf), want);
    cr_assert_str_eq(out[1], want);
}

static char root[STORE_FIXTURE_ROOT_MAX];
static struct store st;
static char m1[DIGEST_BUF], l1[DIGEST_BUF], d1[DIGEST_BUF];
static char m2[DIGEST_BUF], l2[DIGEST_BUF], d2[DIGEST_BUF];

static void setup(void)
{
    store_fixture_open(root, &st);
    store_fixture_image(&st, "one", "one", m1, l1, d1);
    store_fixture_image(&st, "example.com/two:v1", "two", m2, l2, d2);
    store_fixture_image(&st, "alias", "one", m1, l1, d1);
}

static void teardown(void)
{
    store_fixture_close(root, &st);
}

TestSuite(image_find, .init = setup, .fini = teardown);

/* The ID of the image name names, from ls's summary. */
static char *id_of(const char *name)
{
    struct image_found f;
    keel_err err = {0};
    cr_assert_eq(image_find(&st, name, &f, &err), 0, "%s", err.msg);
    char *id = strdup(f.id);
    image_found_release(&f);
    return id;
}

Test(image_find, by_name_and_by_id)
{
    keel_err err = {0};
    struct image_found f;
    cr_assert_eq(image_find(&st, "one:latest", &f, &err), 0, "%s", err.msg);
    cr_assert_not(f.by_id);
    cr_assert_str_eq(f.ref, "docker.io/library/one:latest");
    cr_assert_str_eq(f.manifest, m1);
    cr_assert_eq(f.refs_len, 2);
    cr_assert_str_eq(f.refs[1], "docker.io/library/alias:latest");
    cleanup_free char *id = strdup(f.id);
    image_found_release(&f);
    cr_assert_eq(strncmp(id, "sha256:", 7), 0);
    cr_assert_neq(strcmp(id, m1), 0, "the ID is the config's digest, not the manifest's");

    const char *forms[] = {id, id + 7, "", ""};
    char short_id[13], prefixed[20];
    snprintf(short_id, sizeof short_id, "%.12s", id + 7);
    snprintf(prefixed, sizeof prefixed, "sha256:%.5s", id + 7);
    forms[2] = short_id;
    forms[3] = prefixed;
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(image_find(&st, forms[i], &f, &err), 0, "%s: %s", forms[i], err.msg);
        cr_assert(f.by_id, "%s", forms[i]);
        cr_assert_str_eq(f.id, id);
        cr_assert_str_eq(f.ref, "docker.io/library/one:latest");
        cr_assert_eq(f.refs_len, 2);
        image_found_release(&f);
    }
    cleanup_free char *by_digest = NULL;
    cr_assert_geq(asprintf(&by_digest, "example.com/two@%s", m2), 0);
    cr_assert_eq(image_find(&st, by_digest, &f, &err), 0, "%s", err.msg);
    cr_assert_str_eq(f.ref, "example.com/two:v1");
    image_found_release(&f);
}

Test(image_find, missing)
{
    keel_err err = {0};
    struct image_found f;
    cr_assert_eq(image_find(&st, "nothere", &f, &err), -1);
    cr_assert_eq(err.errnum, ENOENT);
    cr_assert(strstr(err.msg, "nothere") != NULL, "%s", err.msg);
    cr_assert_eq(image_find(&st, "0000000000aa", &f, &err), -1);
    cr_assert_eq(err.errnum, ENOENT);
    struct oci_descriptor d;
    cr_assert_eq(image_resolve(&st, "nothere", &d, &err), -1);
    cr_assert_eq(err.errnum, ENOENT);
}

/* One reference untags; the last one deletes the image and its layer. */
static char log_buf[1024];
static void rec(void *arg, const char *s)
{
    size_t n = strlen(log_buf);
    snprintf(log_buf + n, sizeof log_buf - n, "%s %s\n", (const char *)arg, s);
}

Test(image_find, rm_as_docker)
{
    keel_err err = {0};
    cleanup_free char *id = id_of("one");
    char short_id[13];
    snprintf(short_id, sizeof short_id, "%.12s", id + 7);
    struct rm_report u = {.untagged = rec, .deleted = rec, .arg = (void *)"R"};

    cr_assert_eq(image_remove(&st, short_id, false, &u, &err), -1);
    cr_assert_eq(err.errnum, EBUSY);
    cr_assert(strstr(err.msg, "(must be forced) - image is referenced in multiple repositories"),
              "%s", err.msg);
    cr_assert(strstr(err.msg, short_id), "%s", err.msg);

    log_buf[0] = '\0';
    cr_assert_eq(image_remove(&st, "alias", false, &u, &err), 0, "%s", err.msg);
    cr_assert_str_eq(log_buf, "R docker.io/library/alias:latest\n");

    struct oci_descriptor d;
    cr_assert_eq(store_resolve(&st, "one", &d, &err), 0);
    cr_assert_eq(store_tag(&st, "alias", &d, &err), 0);
    spec_release(&spec_type_oci_descriptor, &d);
    log_buf[0] = '\0';
    cr_assert_eq(image_remove(&st, short_id, true, &u, &err), 0, "%s", err.msg);
    char want[512];
    snprintf(want, sizeof want,
             "R docker.io/library/one:latest\nR docker.io/library/alias:latest\nR %s\nR %s\n", id,
             d1);
    cr_assert_str_eq(log_buf, want);
    struct image_found f;
    cr_assert_eq(image_find(&st, short_id, &f, &err), -1);
    cr_assert_eq(image_find(&st, "example.com/two:v1", &f, &err), 0, "the other image stays");
    image_found_release(&f);
}

Test(image_find, content_size_is_dockers)
{
    /* the fixture's layers hold one file of one byte; a hard link counts once */
    keel_err err = {0};
    cleanup_free char *dir = store_layer_path(&st, d1, &err);
    cleanup_free char *file = NULL, *link_ = NULL, *sym = NULL;
    cr_assert_geq(asprintf(&file, "%s/file", dir), 0);
    cr_assert_geq(asprintf(&link_, "%s/hard", dir), 0);
    cr_assert_geq(asprintf(&sym, "%s/sym", dir), 0);
    cr_assert_eq(link(file, link_), 0);
    cr_assert_eq(symlink("a-long-target-that-does-not-count", sym), 0);
    struct keel_image_list l;
    cr_assert_eq(image_list(&st, &l, &err), 0, "%s", err.msg);
    cr_assert_eq(l.images_len, 3);
    for (size_t i = 0; i < l.images_len; i++) {
        cr_assert_eq(l.images[i].labels_len, 0);
        cr_assert(l.images[i].has_content_size, "%s", l.images[i].reference);
        cr_assert_eq(l.images[i].content_size, 1, "%s", l.images[i].reference);
    }
    spec_release(&spec_type_keel_image_list, &l);
}
