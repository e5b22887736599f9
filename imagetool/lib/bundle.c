/* Live bundle records: $root/bundles/<hex of sha256 of the bundle's absolute path>. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "store.h"
#include "util.h"

static char *record_path(const struct store *s, const char *bundle_dir, keel_err *err)
{
    if (bundle_dir[0] != '/') {
        keel_error(err, EINVAL, "bundle %s: path must be absolute", bundle_dir);
        return NULL;
    }
    char d[DIGEST_BUF];
    digest_buffer(bundle_dir, strlen(bundle_dir), d);
    char *p = NULL;
    if (asprintf(&p, "%s/bundles/%s", s->root, digest_hex(d)) < 0) {
        keel_syserror(err, "bundle %s", bundle_dir);
        return NULL;
    }
    return p;
}

int store_bundle_add(struct store *s, const char *bundle_dir, const char *manifest_digest,
                     bool durable, keel_err *err)
{
    if (digest_validate(manifest_digest, err) < 0)
        return keel_error_wrap(err, "bundle %s", bundle_dir);
    cleanup_free char *path = record_path(s, bundle_dir, err);
    if (path == NULL)
        return -1;
    struct keel_bundle_record rec = {.path = (char *)bundle_dir,
                                     .manifest = (char *)manifest_digest};
    return write_spec_file(s, path, &spec_type_keel_bundle_record, &rec, durable, err);
}

int store_bundle_remove(struct store *s, const char *bundle_dir, keel_err *err)
{
    cleanup_free char *path = record_path(s, bundle_dir, err);
    if (path == NULL)
        return -1;
    if (unlink(path) < 0 && errno != ENOENT)
        return keel_syserror(err, "remove bundle record %s", path);
    return 0;
}

void keel_bundle_records_free(struct keel_bundle_record *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        spec_release(&spec_type_keel_bundle_record, &v[i]);
    free(v);
}

int store_bundle_list(struct store *s, struct keel_bundle_record **out, size_t *n, keel_err *err)
{
    cleanup_free char *dir = path_join(s->root, "/bundles");
    if (dir == NULL)
        return keel_syserror(err, "list bundles");
    cleanup_dir DIR *d = opendir(dir);
    if (d == NULL)
        return keel_syserror(err, "open %s", dir);
    struct keel_bundle_record *v = NULL;
    size_t len = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        cleanup_free char *p = NULL;
        struct stat st;
        /* a volatile bundle's record that a host crash left empty */
        if (fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
            continue;
        struct keel_bundle_record *grown = realloc(v, (len + 1) * sizeof *v);
        if (grown == NULL || asprintf(&p, "%s/%s", dir, e->d_name) < 0) {
            if (grown != NULL)
                v = grown;
            keel_bundle_records_free(v, len);
            return keel_syserror(err, "list bundles");
        }
        v = grown;
        if (spec_parse_file(&spec_type_keel_bundle_record, p, &v[len], err) < 0) {
            keel_bundle_records_free(v, len);
            return keel_error_wrap(err, "bundle record");
        }
        len++;
    }
    *out = v;
    *n = len;
    return 0;
}
