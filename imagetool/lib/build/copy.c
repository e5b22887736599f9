/* COPY and ADD: sources from the context (minus .dockerignore), another
 * stage or an image, wildcards, directories copied by their contents,
 * docker's trailing-slash rules, --chown, --chmod; ADD extracts local tar
 * archives. Everything is written through the step's overlay, resolved inside
 * the rootfs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "http.h"
#include "keel/fsutil.h"
#include "layer_path.h"
#include "passwd.h"
#include "step.h"
#include "unpack.h"
#include "util.h"

/* A source that is not a file of a tree: a heredoc or a download. */
struct inline_file {
    char *name;
    char *data;
    size_t len;
    mode_t mode;
};

struct copy_job {
    bool add;
    struct copy_source src;
    char **paths; /* selected sources, relative to the source root */
    size_t npaths;
    const struct df_instr *in;
    struct inline_file *files; /* COPY <<EOF heredocs, ADD URL downloads */
    size_t nfiles;
    char *dest;   /* absolute, as written (a trailing '/' kept) */
    const char *chown;
    bool has_chmod;
    mode_t chmod;
};

/* ADD URL reads the body into memory: up to this much. */
#define ADD_URL_MAX (256u << 20)

struct copier {
    const struct copy_source *src;
    uid_t uid;
    gid_t gid;
    bool has_chmod;
    mode_t chmod;
    keel_err *err;
};

static int copy_entry(struct copier *c, int sdir, const char *sname, const char *srel, int ddir,
                      const char *dname);

static int copy_data(int from, int to, const char *rel, keel_err *err)
{
    for (;;) {
        ssize_t n = copy_file_range(from, NULL, to, NULL, 1 << 30, 0);
        if (n == 0)
            return 0;
        if (n > 0)
            continue;
        if (errno == EINTR)
            continue;
        if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
            return keel_syserror(err, "copy %s", rel);
        return fd_each_chunk(from, chunk_to_fd, &to) < 0 ? keel_syserror(err, "copy %s", rel) : 0;
    }
}

static mode_t mode_of(const struct copier *c, const struct stat *st)
{
    return c->has_chmod ? c->chmod : st->st_mode & 07777;
}

/* Removes what is at dname unless it is a directory and keep_dir. */
static int clear_target(int ddir, const char *dname, bool keep_dir, keel_err *err)
{
    struct stat st;
    if (fstatat(ddir, dname, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : keel_syserror(err, "stat %s", dname);
    if (S_ISDIR(st.st_mode)) {
        if (keep_dir)
            return 1;
        return remove_tree_at(ddir, dname, err);
    }
    return unlinkat(ddir, dname, 0) < 0 ? keel_syserror(err, "remove %s", dname) : 0;
}

static int copy_dir_contents(struct copier *c, int sfd, const char *srel, int dfd)
{
    int k = dup(sfd);
    DIR *d = k >= 0 ? fdopendir(k) : NULL;
    if (d == NULL) {
        if (k >= 0)
            close(k);
        return keel_syserror(c->err, "read %s", srel);
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char rel[PATH_MAX];
        snprintf(rel, sizeof rel, "%s%s%s", srel, srel[0] != '\0' ? "/" : "", e->d_name);
        if (!source_excluded(c->src, rel))
            rc = copy_entry(c, sfd, e->d_name, rel, dfd, e->d_name);
    }
    closedir(d);
    return rc;
}

static int finish(struct copier *c, int fd, const struct stat *st, const char *rel)
{
    struct timespec ts[2] = {st->st_mtim, st->st_mtim};
    if (fchown(fd, c->uid, c->gid) < 0 || fchmod(fd, mode_of(c, st)) < 0 ||
        futimens(fd, ts) < 0)
        return keel_syserror(c->err, "copy %s: set metadata", rel);
    return 0;
}

static int copy_dir(struct copier *c, int sdir, const char *sname, const char *srel, int ddir,
                    const char *dname, const struct stat *st)
{
    int r = clear_target(ddir, dname, true, c->err);
    if (r < 0)
        return -1;
    if (r == 0 && mkdirat(ddir, dname, 0700) < 0)
        return keel_syserror(c->err, "create %s", srel);
    cleanup_close int sfd = openat(sdir, sname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    cleanup_close int dfd = openat(ddir, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sfd < 0 || dfd < 0)
        return keel_syserror(c->err, "open %s", srel);
    if (copy_dir_contents(c, sfd, srel, dfd) < 0)
        return -1;
    return finish(c, dfd, st, srel);
}

static int copy_file(struct copier *c, int sdir, const char *sname, const char *srel, int ddir,
                     const char *dname, const struct stat *st)
{
    if (clear_target(ddir, dname, false, c->err) < 0)
        return -1;
    cleanup_close int in = openat(sdir, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return keel_syserror(c->err, "open %s", srel);
    cleanup_close int out = openat(ddir, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                                   O_CLOEXEC, 0600);
    if (out < 0)
        return keel_syserror(c->err, "create %s", dname);
    if (copy_data(in, out, srel, c->err) < 0)
        return -1;
    return finish(c, out, st, srel);
}

static int copy_entry(struct copier *c, int sdir, const char *sname, const char *srel, int ddir,
                      const char *dname)
{
    struct stat st;
    if (fstatat(sdir, sname, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return keel_syserror(c->err, "stat %s", srel);
    if (S_ISDIR(st.st_mode))
        return copy_dir(c, sdir, sname, srel, ddir, dname, &st);
    if (S_ISREG(st.st_mode))
        return copy_file(c, sdir, sname, srel, ddir, dname, &st);
    if (clear_target(ddir, dname, false, c->err) < 0)
        return -1;
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(sdir, sname, target, sizeof target - 1);
        if (n < 0)
            return keel_syserror(c->err, "readlink %s", srel);
        target[n] = '\0';
        if (symlinkat(target, ddir, dname) < 0)
            return keel_syserror(c->err, "symlink %s", dname);
    } else if (mknodat(ddir, dname, st.st_mode & (S_IFMT | 07777), st.st_rdev) < 0) {
        return keel_syserror(c->err, "create %s", dname);
    }
    struct timespec ts[2] = {st.st_mtim, st.st_mtim};
    if (fchownat(ddir, dname, c->uid, c->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
        utimensat(ddir, dname, ts, AT_SYMLINK_NOFOLLOW) < 0)
        return keel_syserror(c->err, "copy %s: set metadata", srel);
    return 0;
}

/* A local tar archive (plain, gzip or zstd) that ADD extracts. */
static bool is_archive(int dirfd, const char *name)
{
    cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    unsigned char h[512];
    ssize_t n = fd >= 0 ? read(fd, h, sizeof h) : -1;
    return n > 0 && archive_magic(h, (size_t)n);
}

static int extract(struct copier *c, int sdir, const char *sname, const char *srel, int dfd)
{
    int fd = openat(sdir, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return keel_syserror(c->err, "open %s", srel);
    return layer_apply(dfd, fd, srel, LAYER_FLAT, NULL, NULL, c->err);
}

static bool ends_with_slash(const char *s)
{
    size_t l = strlen(s);
    return l > 0 && s[l - 1] == '/';
}

/* One source into the destination. */
static int copy_one(struct copy_job *j, struct copier *c, int rootfd, const char *rel,
                    bool many)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", rel);
    const char *sdirname;
    const char *base = layer_path_split(buf, &sdirname);
    cleanup_close int sdir = rel[0] == '\0' ? dup(j->src.rootfd)
                                            : root_open_dir(j->src.rootfd, sdirname, O_RDONLY,
                                                            false, c->err);
    if (sdir < 0)
        return keel_error_wrap(c->err, "copy %s", rel);
    struct stat st;
    if (rel[0] == '\0')
        st.st_mode = S_IFDIR;
    else if (fstatat(sdir, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return keel_syserror(c->err, "stat %s", rel);
    bool into_dir = S_ISDIR(st.st_mode) || many || ends_with_slash(j->dest) ||
                    (j->add && S_ISREG(st.st_mode) && is_archive(sdir, base));
    if (!into_dir) {
        cleanup_close int existing = root_open_dir(rootfd, j->dest, O_PATH, false, c->err);
        into_dir = existing >= 0;
    }
    char dest[PATH_MAX];
    if (layer_path_clean(j->dest, dest, sizeof dest) < 0)
        return keel_error(c->err, 0, "bad destination %s", j->dest);
    const char *name = NULL;
    char file[NAME_MAX + 1];
    if (!into_dir) { /* the destination names the file */
        snprintf(file, sizeof file, "%s", layer_path_split(dest, &sdirname));
        memmove(dest, sdirname, strlen(sdirname) + 1);
        name = file;
    }
    cleanup_close int dfd = root_open_dir(rootfd, dest, O_RDONLY, true, c->err);
    if (dfd < 0)
        return keel_error_wrap(c->err, "copy to %s", j->dest);
    if (rel[0] == '\0')
        return copy_dir_contents(c, sdir, "", dfd);
    if (S_ISDIR(st.st_mode)) {
        cleanup_close int sfd = openat(sdir, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sfd < 0)
            return keel_syserror(c->err, "open %s", rel);
        return copy_dir_contents(c, sfd, rel, dfd);
    }
    if (j->add && S_ISREG(st.st_mode) && is_archive(sdir, base))
        return extract(c, sdir, base, rel, dfd);
    return copy_entry(c, sdir, base, rel, dfd, name != NULL ? name : base);
}

static int write_inline(struct copier *c, int rootfd, struct copy_job *j,
                        const struct inline_file *f, bool many)
{
    char dest[PATH_MAX];
    if (layer_path_clean(j->dest, dest, sizeof dest) < 0)
        return keel_error(c->err, 0, "bad destination %s", j->dest);
    const char *name = f->name, *dir = dest;
    cleanup_close int existing = root_open_dir(rootfd, dest, O_PATH, false, c->err);
    if (!(many || ends_with_slash(j->dest) || existing >= 0))
        name = layer_path_split(dest, &dir);
    cleanup_close int dfd = root_open_dir(rootfd, dir, O_RDONLY, true, c->err);
    if (dfd < 0 || clear_target(dfd, name, false, c->err) < 0)
        return keel_error_wrap(c->err, "copy to %s", j->dest);
    cleanup_close int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    struct stat st = {.st_mode = S_IFREG | f->mode};
    clock_gettime(CLOCK_REALTIME, &st.st_mtim);
    if (fd < 0 || write_all(fd, f->data, f->len) < 0)
        return keel_syserror(c->err, "write %s", name);
    return finish(c, fd, &st, name);
}

static int copy_in(struct builder *b, struct stage_image *st, struct step_fs *fs, void *arg,
                   keel_err *err)
{
    (void)b;
    (void)st;
    struct copy_job *j = arg;
    struct copier c = {.src = &j->src, .has_chmod = j->has_chmod, .chmod = j->chmod, .err = err};
    if (j->chown != NULL) {
        struct oci_user u = {0};
        char *home = NULL;
        if (user_resolve(fs->rootfd, j->chown, &u, &home, err) < 0)
            return keel_error_wrap(err, "--chown=%s", j->chown);
        free(home);
        free(u.additionalGids);
        c.uid = u.uid;
        c.gid = u.gid;
    }
    bool many = j->npaths + j->nfiles > 1;
    for (size_t i = 0; i < j->npaths; i++)
        if (copy_one(j, &c, fs->rootfd, j->paths[i], many) < 0)
            return -1;
    for (size_t i = 0; i < j->nfiles; i++)
        if (write_inline(&c, fs->rootfd, j, &j->files[i], many) < 0)
            return -1;
    return 0;
}

static void job_release(struct copy_job *j)
{
    for (size_t i = 0; i < j->npaths; i++)
        free(j->paths[i]);
    free(j->paths);
    for (size_t i = 0; i < j->nfiles; i++) {
        free(j->files[i].name);
        free(j->files[i].data);
    }
    free(j->files);
    free(j->dest);
}

static const struct df_heredoc *heredoc_named(const struct df_instr *in, const char *word)
{
    if (strncmp(word, "<<", 2) != 0)
        return NULL;
    word += 2 + (word[2] == '-');
    for (size_t i = 0; i < in->heredocs_len; i++)
        if (strstr(word, in->heredocs[i].name) == word + (word[0] == '"' || word[0] == '\''))
            return &in->heredocs[i];
    return NULL;
}

static int add_file(struct copy_job *j, const char *name, char *data, size_t len, mode_t mode,
                    struct digester *d, keel_err *err)
{
    struct inline_file *v = realloc(j->files, (j->nfiles + 1) * sizeof *v);
    char *n = v != NULL ? strdup(name) : NULL;
    if (v != NULL)
        j->files = v;
    if (n == NULL) {
        free(data);
        return keel_syserror(err, "copy");
    }
    v[j->nfiles++] = (struct inline_file){n, data, len, mode};
    digester_update(d, name, strlen(name) + 1);
    digester_update(d, data, len);
    return 0;
}

static int add_heredoc(const struct subst *sub, struct copy_job *j, const struct df_heredoc *h,
                       struct digester *d, keel_err *err)
{
    char *data = NULL;
    if (h->expand ? subst_heredoc(sub, h->content, &data, err) < 0
                  : (data = strdup(h->content)) == NULL)
        return data == NULL && !h->expand ? keel_syserror(err, "heredoc") : -1;
    return add_file(j, h->name, data, strlen(data), 0644, d, err);
}

/* ADD URL: the body (its content goes into the key, as BuildKit's checksum of
 * a download), named by the URL's last path component, mode 0600. */
static int add_url(struct copy_job *j, const char *url, struct digester *d, keel_err *err)
{
    struct http_client *hc = http_client_new(err);
    if (hc == NULL)
        return -1;
    struct http_request req = {.url = url, .max_body = ADD_URL_MAX};
    struct http_request *reqs[] = {&req};
    int rc = http_run(hc, reqs, 1, 1, err);
    http_client_free(hc);
    char why[300];
    if (rc == 0 && req.sink_failed)
        rc = keel_error(err, 0, "ADD %s", req.sink_err.msg);
    else if (rc == 0 && (req.curl_code != 0 || req.resp.status < 200 || req.resp.status > 299))
        rc = keel_error(err, 0, "ADD %s: %s", url, http_failure(&req, why, sizeof why));
    char name[NAME_MAX + 1] = "";
    const char *path = strchr(strstr(url, "://") + 3, '/');
    if (path != NULL) {
        size_t l = strcspn(path, "?#");
        while (l > 1 && path[l - 1] == '/')
            l--;
        const char *b = path + l;
        while (b > path && b[-1] != '/')
            b--;
        snprintf(name, sizeof name, "%.*s", (int)(path + l - b), b);
    }
    if (rc == 0 && (name[0] == '\0' || strcmp(name, "/") == 0))
        rc = keel_error(err, 0, "ADD %s: cannot determine a filename from the URL", url);
    if (rc == 0) {
        char *body = req.resp.body != NULL ? req.resp.body : strdup("");
        req.resp.body = NULL;
        digester_update(d, url, strlen(url) + 1);
        rc = body == NULL ? keel_syserror(err, "ADD")
                          : add_file(j, name, body, req.resp.body_len, 0600, d, err);
    }
    http_response_release(&req.resp);
    return rc;
}

/* Sources and destination after substitution; the selection and its checksum. */
static int plan_copy(struct builder *b, struct stage_image *st, struct copy_job *j,
                     struct digester *d, keel_err *err)
{
    const struct df_instr *in = j->in;
    struct subst sub = builder_subst(b);
    cleanup_strv char **words = NULL;
    size_t n = 0;
    if (in->json) {
        if ((words = calloc(in->args_len + 1, sizeof *words)) == NULL)
            return keel_syserror(err, "COPY");
        for (size_t i = 0; i < in->args_len; i++, n++)
            if (subst_word(&sub, in->args[i], &words[i], err) < 0)
                return keel_error_wrap(err, "%s:%d", b->dfname, in->line);
    } else if (subst_words(&sub, in->rest, &words, &n, err) < 0) {
        return keel_error_wrap(err, "%s:%d", b->dfname, in->line);
    }
    if (n < 2)
        return keel_error(err, 0, "%s:%d: %s requires at least two arguments", b->dfname,
                          in->line, j->add ? "ADD" : "COPY");
    const char *dest = words[n - 1];
    const char *wd = st->cfg.config->WorkingDir ? st->cfg.config->WorkingDir : "/";
    if (asprintf(&j->dest, "%s%s%s", dest[0] == '/' ? "" : wd,
                 dest[0] == '/' || ends_with_slash(wd) ? "" : "/",
                 strcmp(dest, ".") == 0 ? "" : dest) < 0)
        return keel_syserror(err, "COPY");
    for (size_t i = 0; i + 1 < n; i++) {
        const struct df_heredoc *h = heredoc_named(in, words[i]);
        if (h != NULL) {
            if (add_heredoc(&sub, j, h, d, err) < 0)
                return keel_error_wrap(err, "%s:%d", b->dfname, in->line);
            continue;
        }
        if (strncmp(words[i], "http://", 7) == 0 || strncmp(words[i], "https://", 8) == 0) {
            if (!j->add)
                return keel_error(err, 0, "%s:%d: source can't be a URL for COPY", b->dfname,
                                  in->line);
            if (add_url(j, words[i], d, err) < 0)
                return keel_error_wrap(err, "%s:%d", b->dfname, in->line);
            continue;
        }
        if (j->src.rootfd < 0)
            return keel_error(err, 0, "%s:%d: %s %s needs a build context", b->dfname, in->line,
                              j->add ? "ADD" : "COPY", words[i]);
        if (source_select(&j->src, words[i], &j->paths, &j->npaths, err) < 0)
            return keel_error_wrap(err, "%s:%d", b->dfname, in->line);
    }
    if (j->npaths + j->nfiles > 1 && !ends_with_slash(dest))
        return keel_error(err, 0, "%s:%d: When using %s with more than one source file, the destination must be a directory and end with a /",
                          b->dfname, in->line, j->add ? "ADD" : "COPY");
    return source_checksum(&j->src, j->paths, j->npaths, d, err);
}

static int parse_chmod(struct builder *b, struct copy_job *j, keel_err *err)
{
    const char *m = df_flag(j->in, "chmod");
    if (m == NULL)
        return 0;
    char *end;
    long v = strtol(m, &end, 8);
    if (m[0] == '\0' || *end != '\0' || v < 0 || v > 07777)
        return keel_error(err, 0, "%s:%d: invalid chmod parameter: %s", b->dfname, j->in->line,
                          m);
    j->has_chmod = true;
    j->chmod = (mode_t)v;
    return 0;
}

static int do_copy(struct builder *b, struct stage_image *st, struct copy_job *j, keel_err *err)
{
    cleanup_free char *key = NULL, *created_by = NULL;
    keel_err e2;
    struct digester *d = digester_new(&e2);
    if (d == NULL)
        return keel_syserror(err, "COPY");
    int rc = plan_copy(b, st, j, d, err);
    char sum[DIGEST_BUF];
    digester_final(d, sum);
    digester_free(d);
    const char *kw = j->add ? "ADD" : "COPY";
    const char *chown = j->chown != NULL ? j->chown : "";
    if (rc == 0 && (asprintf(&key, "%s%c%s%c%o%c%s%c%s", kw, 0, chown, 0,
                             j->has_chmod ? (unsigned)j->chmod : 0u, 0, j->dest, 0, sum) < 0 ||
                    asprintf(&created_by, "%s %s # buildkit", kw,
                             j->in->original + strlen(kw) + 1) < 0))
        rc = keel_syserror(err, "COPY");
    if (rc < 0)
        return -1;
    size_t klen = strlen(kw) + 1 + strlen(chown) + 1;
    klen += (size_t)snprintf(NULL, 0, "%o", j->has_chmod ? (unsigned)j->chmod : 0u) + 1;
    klen += strlen(j->dest) + 1 + strlen(sum);
    return layer_step(b, st, key, klen, j->in->original, created_by, copy_in, j, err);
}

int instr_copy(struct builder *b, struct stage_image *st, const struct df_instr *in,
               keel_err *err)
{
    static const char *const copy_flags[] = {"from", "chown", "chmod", "link", NULL};
    static const char *const add_flags[] = {"chown", "chmod", "link", NULL};
    bool add = strcmp(in->keyword, "add") == 0;
    if (df_flags_check(in, add ? add_flags : copy_flags, b->dfname, err) < 0)
        return -1;
    struct copy_job j = {.add = add, .in = in, .chown = df_flag(in, "chown"),
                         .src = {.rootfd = b->ctx.fd, .ignore = &b->ctx.ignore,
                                 .sums = b->sums}};
    const char *from = df_flag(in, "from");
    struct step_fs other = {.rootfd = -1};
    int rc = parse_chmod(b, &j, err);
    if (rc == 0 && from != NULL) {
        rc = builder_source_fs(b, from, &other, err);
        j.src = (struct copy_source){.rootfd = other.rootfd};
    }
    if (rc == 0)
        rc = do_copy(b, st, &j, err);
    step_fs_release(&other);
    job_release(&j);
    return rc;
}
