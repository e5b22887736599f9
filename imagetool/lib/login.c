/* login verifies, then stores in the credential helper or in auths; logout
 * erases from both. */
#include "login.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cred_helper.h"
#include "docker_config.h"
#include "keel/cleanup.h"
#include "registry.h"

void login_result_release(struct login_result *r)
{
    free(r->key);
    free(r->path);
    free(r->helper);
    memset(r, 0, sizeof *r);
}

/* The registry's domain and the config it is filed in. */
static int open_config(const char *server, char **domain, struct docker_config *c,
                       struct login_result *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    *domain = docker_config_domain(server != NULL ? server : "docker.io");
    if (*domain == NULL)
        return keel_syserror(err, "login");
    if ((*domain)[0] == '\0')
        return keel_error(err, 0, "\"%s\" names no registry", server);
    if (docker_config_read(c, err) < 0)
        return -1;
    const char *helper = docker_config_helper(c, docker_config_server_key(*domain));
    out->key = strdup(docker_config_server_key(*domain));
    out->path = c->path ? strdup(c->path) : NULL;
    out->helper = helper ? strdup(helper) : NULL;
    if (out->key == NULL || (c->path && out->path == NULL) || (helper && out->helper == NULL))
        return keel_syserror(err, "login");
    return 0;
}

static int login_run(const char *server, const struct auth_creds *creds, bool insecure,
                     struct login_result *out, struct docker_config *c, keel_err *err)
{
    cleanup_free char *domain = NULL, *pair = NULL;
    if (open_config(server, &domain, c, out, err) < 0)
        return -1;
    if (asprintf(&pair, "%s:%s", creds->user, creds->pass) < 0)
        return keel_syserror(err, "login");
    struct registry_opts o = {.creds = pair, .insecure = insecure};
    int ret = registry_verify_login(domain, &o, err);
    explicit_bzero(pair, strlen(pair));
    if (ret < 0)
        return -1;
    if (out->helper != NULL && cred_helper_store(out->helper, out->key, creds, err) < 0)
        return -1;
    if (docker_config_set_auth(c, out->key, out->helper ? NULL : creds, err) < 0)
        return -1;
    return docker_config_write(c, err);
}

int registry_login(const char *server, const struct auth_creds *creds, bool insecure,
                   struct login_result *out, keel_err *err)
{
    struct docker_config c;
    memset(&c, 0, sizeof c);
    int ret = login_run(server, creds, insecure, out, &c, err);
    docker_config_release(&c);
    if (ret < 0)
        login_result_release(out);
    return ret;
}

int registry_logout(const char *server, struct login_result *out, bool *found, keel_err *err)
{
    struct docker_config c;
    memset(&c, 0, sizeof c);
    cleanup_free char *domain = NULL;
    *found = false;
    int ret = open_config(server, &domain, &c, out, err);
    bool erased = false;
    if (ret == 0 && out->helper != NULL) {
        keel_err miss;
        struct auth_creds had;
        /* only a helper that holds something is asked to erase it */
        if (cred_helper_get(out->helper, out->key, &had, &erased, &miss) == 0 && erased) {
            auth_creds_release(&had);
            ret = cred_helper_erase(out->helper, out->key, err);
        }
    }
    if (ret == 0)
        ret = docker_config_remove_auth(&c, domain, found, err);
    if (ret == 0 && *found)
        ret = docker_config_write(&c, err);
    *found = *found || erased;
    docker_config_release(&c);
    if (ret < 0)
        login_result_release(out);
    return ret;
}
