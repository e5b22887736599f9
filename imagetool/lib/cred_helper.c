/* Runs docker-credential-NAME with its input on stdin and reads its answer. */
#include "cred_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "keel/distribution.h"
#include "keel/fsutil.h"

#define REPLY_MAX (1u << 20)

extern char **environ;

/* Runs the helper's action with `in` on stdin; its stdout to *out. *status
 * is its exit status. */
static int run_helper(const char *helper, const char *action, const char *in, char **out,
                      int *status, keel_err *err)
{
    cleanup_free char *prog = NULL;
    if (asprintf(&prog, "docker-credential-%s", helper) < 0)
        return keel_syserror(err, "credential helper %s", helper);
    int to[2], from[2];
    if (pipe2(to, O_CLOEXEC) < 0)
        return keel_syserror(err, "%s: pipe", prog);
    if (pipe2(from, O_CLOEXEC) < 0) {
        close(to[0]);
        close(to[1]);
        return keel_syserror(err, "%s: pipe", prog);
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, to[0], 0);
    posix_spawn_file_actions_adddup2(&fa, from[1], 1);
    char *argv[] = {prog, (char *)action, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(to[0]);
    close(from[1]);
    if (rc != 0) {
        close(to[1]);
        close(from[0]);
        return keel_error(err, rc, "run %s %s", prog, action);
    }
    /* a helper that exits without reading its input must not kill us */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGPIPE, &ign, &old);
    int werr = write_all(to[1], in, strlen(in)) < 0 ? errno : 0;
    sigaction(SIGPIPE, &old, NULL);
    close(to[1]);
    size_t len;
    int rerr = read_fd_all(from[0], 4096, REPLY_MAX, out, &len) < 0 ? errno : 0;
    close(from[0]);
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    if (rerr != 0) {
        free(*out);
        *out = NULL;
        return keel_error(err, rerr, "read from %s %s", prog, action);
    }
    if (werr != 0 && werr != EPIPE && *status == 0)
        return keel_error(err, werr, "write to %s %s", prog, action);
    return 0;
}

/* "docker-credential-NAME ACTION: <what it printed>" for a failed run. */
static int helper_failed(const char *helper, const char *action, char *out, int status,
                         keel_err *err)
{
    if (out != NULL)
        out[strcspn(out, "\n")] = '\0';
    return keel_error(err, 0, "docker-credential-%s %s: %s (exit status %d)", helper, action,
                      out != NULL && out[0] ? out : "failed", status);
}

int cred_helper_get(const char *helper, const char *server, struct auth_creds *out, bool *found,
                    keel_err *err)
{
    memset(out, 0, sizeof *out);
    *found = false;
    cleanup_free char *reply = NULL;
    int status;
    if (run_helper(helper, "get", server, &reply, &status, err) < 0)
        return -1;
    if (status != 0) {
        /* docker's credentials.errCredentialsNotFoundMessage */
        if (reply != NULL && strstr(reply, "credentials not found") != NULL)
            return 0;
        return helper_failed(helper, "get", reply, status, err);
    }
    struct docker_cred_helper_reply r;
    if (spec_parse(&spec_type_docker_cred_helper_reply, reply, strlen(reply),
                   "credential helper reply", &r, err) < 0)
        return keel_error_wrap(err, "docker-credential-%s get", helper);
    int ret = 0;
    if (r.Username == NULL || r.Secret == NULL || r.Secret[0] == '\0') {
        ret = 0; /* nothing stored (or an identity token, which a registry login cannot use) */
    } else if ((out->user = strdup(r.Username)) == NULL || (out->pass = strdup(r.Secret)) == NULL) {
        auth_creds_release(out);
        ret = keel_syserror(err, "credentials");
    } else {
        *found = true;
    }
    if (r.Secret != NULL)
        explicit_bzero(r.Secret, strlen(r.Secret));
    spec_release(&spec_type_docker_cred_helper_reply, &r);
    return ret;
}

int cred_helper_store(const char *helper, const char *server, const struct auth_creds *c,
                      keel_err *err)
{
    struct docker_cred_helper_reply in = {.ServerURL = (char *)server, .Username = c->user,
                                          .Secret = c->pass};
    cleanup_free char *json = spec_generate(&spec_type_docker_cred_helper_reply, &in, false, NULL,
                                            err);
    if (json == NULL)
        return -1;
    cleanup_free char *reply = NULL;
    int status;
    int ret = run_helper(helper, "store", json, &reply, &status, err);
    explicit_bzero(json, strlen(json));
    if (ret == 0 && status != 0)
        ret = helper_failed(helper, "store", reply, status, err);
    return ret;
}

int cred_helper_erase(const char *helper, const char *server, keel_err *err)
{
    cleanup_free char *reply = NULL;
    int status;
    if (run_helper(helper, "erase", server, &reply, &status, err) < 0)
        return -1;
    return status != 0 ? helper_failed(helper, "erase", reply, status, err) : 0;
}
