/* commit: a bundle's upper directory becomes a layer over its image. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "image_write.h"
#include "keel/cleanup.h"
#include "keel/runtime_spec.h"
#include "layer_create.h"
#include "state.h"

/* The image manifest the store's record for `dir` names. */
static int bundle_manifest(struct store *s, const char *dir, char **digest, keel_err *err)
{
    struct keel_bundle_record *v;
    size_t n;
    if (store_bundle_list(s, &v, &n, err) < 0)
        return -1;
    *digest = NULL;
    for (size_t i = 0; i < n && *digest == NULL; i++)
        if (v[i].path != NULL && v[i].manifest != NULL && strcmp(v[i].path, dir) == 0)
            *digest = strdup(v[i].manifest);
    keel_bundle_records_free(v, n);
    if (*digest == NULL)
        return keel_error(err, ENOENT, "%s: not a bundle of this store", dir);
    return 0;
}

static int load_base(struct store *s, const char *manifest, struct stage_image *st,
                     keel_err *err)
{
    struct oci_manifest m;
    if (store_blob_parse(s, &spec_type_oci_manifest, manifest, -1, &m, err) < 0)
        return -1;
    int rc = m.config == NULL ? keel_error(err, EINVAL, "manifest %s has no config", manifest)
                              : store_blob_parse(s, &spec_type_oci_image_config,
                                                 m.config->digest, -1, &st->cfg, err);
    if (rc == 0 && (st->layers = calloc(m.layers_len + 2, sizeof *st->layers)) == NULL)
        rc = keel_syserror(err, "commit");
    for (; rc == 0 && st->nlayers < m.layers_len; st->nlayers++)
        rc = spec_copy(&spec_type_oci_descriptor, &st->layers[st->nlayers],
                       &m.layers[st->nlayers], err);
    spec_release(&spec_type_oci_manifest, &m);
    if (rc == 0 && ((st->cfg.config == NULL &&
                     (st->cfg.config = calloc(1, sizeof *st->cfg.config)) == NULL) ||
                    (st->cfg.rootfs == NULL &&
                     (st->cfg.rootfs = calloc(1, sizeof *st->cfg.rootfs)) == NULL)))
        rc = keel_syserror(err, "commit");
    return rc;
}

/* The container's command, docker's created_by for a commit. */
static char *bundle_command(const char *dir)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/" BUNDLE_CONFIG, dir);
    struct oci_config cfg;
    keel_err ignored;
    if (spec_parse_file(&spec_type_oci_config, path, &cfg, &ignored) < 0)
        return strdup("");
    char *out = strdup("");
    for (size_t i = 0; out != NULL && cfg.process != NULL && i < cfg.process->args_len; i++) {
        char *n;
        if (asprintf(&n, "%s%s%s", out, i > 0 ? " " : "", cfg.process->args[i]) < 0)
            n = NULL;
        free(out);
        out = n;
    }
    spec_release(&spec_type_oci_config, &cfg);
    return out;
}

static int apply_change(struct builder *b, struct stage_image *st, const char *text,
                        keel_err *err)
{
    struct dockerfile df;
    if (dockerfile_parse(text, strlen(text), "--change", &df, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < df.n && rc == 0; i++) {
        const struct df_instr *in = &df.v[i];
        if (strcmp(in->keyword, "workdir") == 0) {
            free(st->cfg.config->WorkingDir);
            st->cfg.config->WorkingDir = strdup(in->rest);
            rc = st->cfg.config->WorkingDir != NULL ? 0 : keel_syserror(err, "commit");
        } else if (instr_is_config(in->keyword) && strcmp(in->keyword, "arg") != 0 &&
                   strcmp(in->keyword, "shell") != 0 && strcmp(in->keyword, "healthcheck") != 0) {
            rc = instr_config(b, st, in, err);
        } else {
            rc = keel_error(err, EINVAL, "%s is not a valid change command", in->keyword);
        }
    }
    dockerfile_release(&df);
    return rc;
}

static bool front_end_file(const char *name)
{
    return strcmp(name, "hostname") == 0 || strcmp(name, "hosts") == 0 ||
           strcmp(name, "resolv.conf") == 0;
}

/* The directory holds nothing, or (etc) only the front end's files. */
static bool holds_nothing(int dirfd, const char *name, bool etc)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    struct dirent *e;
    bool empty = true;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
                (etc && front_end_file(e->d_name));
    closedir(d);
    return empty;
}

/* docker's init layer is not the container's: the files a front end mounts
 * over (/etc/hostname, /etc/hosts, /etc/resolv.conf, and /etc when it holds
 * only them) and the empty mount points the runtime made (/dev, /proc, /sys)
 * stay out of a commit. */
static bool init_layer(const char *rel, const struct stat *st, int dirfd, const char *name)
{
    if (strncmp(rel, "etc/", 4) == 0 && front_end_file(rel + 4))
        return !S_ISCHR(st->st_mode); /* a whiteout of the image's file is a change */
    if (!S_ISDIR(st->st_mode))
        return false;
    if (strcmp(rel, "etc") == 0)
        return holds_nothing(dirfd, name, true);
    return (strcmp(rel, "dev") == 0 || strcmp(rel, "proc") == 0 || strcmp(rel, "sys") == 0) &&
           holds_nothing(dirfd, name, false);
}

static int add_layer(struct store *s, const char *dir, struct stage_image *st, keel_err *err)
{
    char upper[PATH_MAX + 8];
    snprintf(upper, sizeof upper, "%s/" BUNDLE_UPPER, dir);
    struct created_layer l;
    if (layer_create_readonly(s, upper, -1, init_layer, &l, err) < 0)
        return keel_error_wrap(err, "commit %s", dir);
    if (descriptor_set(&st->layers[st->nlayers++], OCI_MEDIA_LAYER_GZIP, l.digest, l.size) < 0 ||
        spec_strs_append(&st->cfg.rootfs->diff_ids, &st->cfg.rootfs->diff_ids_len,
                         l.diff_id) < 0)
        return keel_syserror(err, "commit");
    return 0;
}

int image_commit(struct store *s, const char *bundle, const char *ref,
                 const struct commit_opts *o, char id_out[DIGEST_BUF], keel_err *err)
{
    char dir[PATH_MAX];
    if (realpath(bundle, dir) == NULL)
        return keel_syserror(err, "commit %s", bundle);
    cleanup_free char *manifest = NULL;
    if (bundle_manifest(s, dir, &manifest, err) < 0)
        return -1;
    static const struct build_opts quiet = {.epoch = -1, .stdin_fd = -1};
    struct stage_image st = {0};
    struct build_plan plan = {.v = &(struct build_stage){0}, .n = 1};
    struct builder b = {.s = s, .o = &quiet, .dfname = "--change", .stages = &st, .plan = plan};
    b.df.escape = '\\';
    struct tm tm;
    time_t now = time(NULL);
    strftime(b.created, sizeof b.created, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    int rc = load_base(s, manifest, &st, err);
    if (rc == 0)
        rc = add_layer(s, dir, &st, err);
    size_t nhistory = st.cfg.history_len;
    for (size_t i = 0; rc == 0 && i < o->nchanges; i++)
        rc = apply_change(&b, &st, o->changes[i], err);
    /* docker keeps one history entry for a commit, whatever it changed */
    while (st.cfg.history_len > nhistory)
        spec_release(&spec_type_oci_image_history, &st.cfg.history[--st.cfg.history_len]);
    cleanup_free char *cmd = rc == 0 ? bundle_command(dir) : NULL;
    if (rc == 0) {
        rc = stage_history(&b, &st, cmd != NULL ? cmd : "", false, err);
        struct oci_image_history *h = &st.cfg.history[st.cfg.history_len - 1];
        free(h->comment);
        h->comment = o->message != NULL ? strdup(o->message) : NULL;
        free(st.cfg.created);
        st.cfg.created = strdup(b.created);
        if (o->author != NULL) {
            free(st.cfg.author);
            st.cfg.author = strdup(o->author);
        }
    }
    char *refs[] = {(char *)ref};
    if (rc == 0)
        rc = image_write(s, &st.cfg, st.layers, st.nlayers, refs, ref != NULL, id_out, NULL, err);
    spec_release(&spec_type_oci_image_config, &st.cfg);
    for (size_t i = 0; i < st.nlayers; i++)
        spec_release(&spec_type_oci_descriptor, &st.layers[i]);
    free(st.layers);
    return rc;
}
