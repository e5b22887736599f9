/* config.json read, edited and written back the way docker does it. */
#include "docker_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cred_helper.h"
#include "keel/cleanup.h"
#include "keel/fsutil.h"

#define CONFIG_MAX (4u << 20)
#define DOCKER_HUB_KEY "https://index.docker.io/v1/"

static char *config_path(void)
{
    const char *dir = getenv("DOCKER_CONFIG");
    const char *home = getenv("HOME");
    char *path = NULL;
    int r = dir != NULL && dir[0] != '\0' ? asprintf(&path, "%s/config.json", dir)
            : home != NULL               ? asprintf(&path, "%s/.docker/config.json", home)
                                         : (errno = ENOENT, -1);
    return r < 0 ? NULL : path;
}

int docker_config_read(struct docker_config *c, keel_err *err)
{
    memset(c, 0, sizeof *c);
    if ((c->path = config_path()) == NULL)
        return errno == ENOENT ? 0 : keel_syserror(err, "docker config");
    if (read_file(c->path, CONFIG_MAX, &c->raw, &c->raw_len, err) < 0) {
        if (err->errnum != ENOENT) {
            docker_config_release(c);
            return -1;
        }
        return 0;
    }
    if (spec_parse(&spec_type_docker_cli_config, c->raw, c->raw_len, c->path, &c->cfg, err) < 0) {
        docker_config_release(c);
        return -1;
    }
    return 0;
}

void docker_config_release(struct docker_config *c)
{
    free(c->path);
    free(c->raw);
    spec_release(&spec_type_docker_cli_config, &c->cfg);
    memset(c, 0, sizeof *c);
}

const char *docker_config_server_key(const char *domain)
{
    return strcmp(domain, "docker.io") == 0 ? DOCKER_HUB_KEY : domain;
}

char *docker_config_domain(const char *server)
{
    const char *s = server;
    const char *scheme = strstr(s, "://");
    if (scheme != NULL)
        s = scheme + 3;
    size_t n = strcspn(s, "/");
    if ((n == 15 && strncmp(s, "index.docker.io", n) == 0) ||
        (n == 20 && strncmp(s, "registry-1.docker.io", n) == 0))
        return strdup("docker.io");
    return strndup(s, n);
}

const char *docker_config_helper(const struct docker_config *c, const char *key)
{
    const struct docker_cli_config *cfg = &c->cfg;
    const char *h = spec_map_get(cfg->credHelpers_keys, cfg->credHelpers, cfg->credHelpers_len, key);
    if (h != NULL && h[0] != '\0')
        return h;
    return cfg->credsStore != NULL && cfg->credsStore[0] != '\0' ? cfg->credsStore : NULL;
}

/* config.json keys come as "host", "https://host", "https://host/v1/". */
static bool key_matches(const char *key, const char *domain)
{
    cleanup_free char *d = docker_config_domain(key);
    return d != NULL && strcmp(d, domain) == 0;
}

static void entry_clear(struct docker_auth_entry *e)
{
    spec_release(&spec_type_docker_auth_entry, e);
}

int docker_config_remove_auth(struct docker_config *c, const char *domain, bool *found,
                              keel_err *err)
{
    (void)err; /* nothing here can fail; the signature matches set_auth */
    struct docker_cli_config *cfg = &c->cfg;
    *found = false;
    size_t kept = 0;
    for (size_t i = 0; i < cfg->auths_len; i++) {
        if (key_matches(cfg->auths_keys[i], domain)) {
            *found = true;
            free(cfg->auths_keys[i]);
            entry_clear(&cfg->auths[i]);
            continue;
        }
        cfg->auths_keys[kept] = cfg->auths_keys[i];
        cfg->auths[kept++] = cfg->auths[i];
    }
    cfg->auths_len = kept;
    return 0;
}

int docker_config_set_auth(struct docker_config *c, const char *key,
                           const struct auth_creds *creds, keel_err *err)
{
    struct docker_cli_config *cfg = &c->cfg;
    cleanup_free char *domain = docker_config_domain(key);
    bool had;
    if (domain == NULL || docker_config_remove_auth(c, domain, &had, err) < 0)
        return keel_syserror(err, "docker config");
    struct docker_auth_entry e = {0};
    if (creds != NULL) {
        cleanup_free char *pair = NULL;
        if (asprintf(&pair, "%s:%s", creds->user, creds->pass) < 0)
            return keel_syserror(err, "docker config");
        e.auth = base64_encode(pair, strlen(pair));
        explicit_bzero(pair, strlen(pair));
        if (e.auth == NULL)
            return keel_syserror(err, "docker config");
    }
    char **keys = realloc(cfg->auths_keys, (cfg->auths_len + 1) * sizeof *keys);
    if (keys != NULL)
        cfg->auths_keys = keys;
    struct docker_auth_entry *v = realloc(cfg->auths, (cfg->auths_len + 1) * sizeof *v);
    if (v != NULL)
        cfg->auths = v;
    char *k = strdup(key);
    if (keys == NULL || v == NULL || k == NULL) {
        free(k);
        entry_clear(&e);
        return keel_syserror(err, "docker config");
    }
    keys[cfg->auths_len] = k;
    v[cfg->auths_len++] = e;
    return 0;
}

int docker_config_write(struct docker_config *c, keel_err *err)
{
    if (c->path == NULL)
        return keel_error(err, 0, "neither DOCKER_CONFIG nor HOME is set: nowhere to keep credentials");
    /* an auths object even when empty, as docker writes it */
    if (c->cfg.auths_keys == NULL && (c->cfg.auths_keys = calloc(1, sizeof(char *))) == NULL)
        return keel_syserror(err, "docker config");
    size_t len;
    cleanup_free char *json = spec_generate_keeping(&spec_type_docker_cli_config, &c->cfg, c->raw,
                                                    c->raw_len, true, &len, err);
    if (json == NULL)
        return keel_error_wrap(err, "%s", c->path);
    cleanup_free char *dir = strdup(c->path);
    cleanup_free char *tmp = NULL;
    if (dir == NULL || asprintf(&tmp, "%s.XXXXXX", c->path) < 0)
        return keel_syserror(err, "write %s", c->path);
    *strrchr(dir, '/') = '\0';
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return keel_syserror(err, "create %s", dir);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return keel_syserror(err, "create %s", tmp);
    int ret = 0;
    if (fchmod(fd, 0600) < 0 || write_all(fd, json, len) < 0 || write_all(fd, "\n", 1) < 0 ||
        fsync(fd) < 0)
        ret = keel_syserror(err, "write %s", tmp);
    if (close(fd) < 0 && ret == 0)
        ret = keel_syserror(err, "write %s", tmp);
    if (ret == 0 && rename(tmp, c->path) < 0)
        ret = keel_syserror(err, "rename %s to %s", tmp, c->path);
    if (ret < 0)
        unlink(tmp);
    return ret;
}

static int entry_creds(const struct docker_auth_entry *e, const char *key, struct auth_creds *out,
                       keel_err *err)
{
    if (e->auth != NULL && e->auth[0] != '\0') {
        cleanup_free char *pair = base64_decode(e->auth, NULL);
        if (pair == NULL)
            return keel_error(err, 0, "auths[\"%s\"].auth is not base64", key);
        int r = auth_creds_parse(pair, out, err);
        explicit_bzero(pair, strlen(pair));
        return r < 0 ? keel_error_wrap(err, "auths[\"%s\"].auth", key) : 0;
    }
    if (e->username == NULL || e->password == NULL)
        return keel_error(err, 0, "auths[\"%s\"] has neither auth nor username and password", key);
    out->user = strdup(e->username);
    out->pass = strdup(e->password);
    if (out->user == NULL || out->pass == NULL) {
        auth_creds_release(out);
        return keel_syserror(err, "credentials");
    }
    return 0;
}

static int creds_from(const struct docker_config *c, const char *domain, struct auth_creds *out,
                      bool *found, keel_err *err)
{
    const char *key = docker_config_server_key(domain);
    const char *helper = docker_config_helper(c, key);
    if (helper != NULL)
        return cred_helper_get(helper, key, out, found, err);
    const struct docker_cli_config *cfg = &c->cfg;
    for (size_t i = 0; i < cfg->auths_len; i++) {
        const struct docker_auth_entry *e = &cfg->auths[i];
        /* an empty entry is what docker leaves when a helper held the secret */
        if (!key_matches(cfg->auths_keys[i], domain) || (e->auth == NULL && e->username == NULL))
            continue;
        if (entry_creds(e, cfg->auths_keys[i], out, err) < 0)
            return keel_error_wrap(err, "%s", c->path);
        *found = true;
        return 0;
    }
    return 0;
}

int docker_config_creds(const char *domain, struct auth_creds *out, bool *found, keel_err *err)
{
    memset(out, 0, sizeof *out);
    *found = false;
    struct docker_config c;
    if (docker_config_read(&c, err) < 0)
        return -1;
    int ret = creds_from(&c, domain, out, found, err);
    docker_config_release(&c);
    return ret;
}
