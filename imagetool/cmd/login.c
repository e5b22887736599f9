/* keel-image login [-u USER] [-p PASS | --password-stdin] [--insecure] [SERVER]
 * docker login: checks the credentials with the registry, keeps them in
 * ${DOCKER_CONFIG:-~/.docker}/config.json (or its credential helper); with
 * none given, the stored ones are checked again, else it prompts. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "commands.h"
#include "docker_config.h"
#include "keel/cleanup.h"
#include "keel/fsutil.h"
#include "login.h"

#define USAGE "login [-u USER] [-p PASS | --password-stdin] [--insecure] [SERVER]"

/* A line from a terminal, echo off when secret (docker's prompts). */
static char *prompt(const char *what, bool secret)
{
    fprintf(stderr, "%s: ", what);
    fflush(stderr);
    struct termios old, quiet;
    bool restore = secret && tcgetattr(STDIN_FILENO, &old) == 0;
    if (restore) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (restore) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (n < 0) {
        free(line);
        return NULL;
    }
    line[strcspn(line, "\r\n")] = '\0';
    return line;
}

/* --password-stdin: all of stdin, without the trailing newline. */
static int password_from_stdin(char **out, keel_err *err)
{
    size_t len;
    if (read_fd_all(STDIN_FILENO, 256, 64u << 10, out, &len) < 0)
        return keel_syserror(err, "read the password from stdin");
    while (len > 0 && ((*out)[len - 1] == '\n' || (*out)[len - 1] == '\r'))
        (*out)[--len] = '\0';
    return 0;
}

/* docker login SERVER with nothing given: the stored credentials, when there
 * are some, are checked again. */
static int stored(const char *server, struct auth_creds *c, keel_err *err)
{
    cleanup_free char *domain = docker_config_domain(server != NULL ? server : "docker.io");
    bool found;
    if (domain == NULL)
        return keel_syserror(err, "login");
    if (docker_config_creds(domain, c, &found, err) < 0)
        return -1;
    if (found)
        printf("Authenticating with existing credentials...\n");
    return 0;
}

static int ask(struct auth_creds *c, bool stdin_pass, keel_err *err)
{
    bool tty = isatty(STDIN_FILENO) == 1;
    if ((c->user == NULL || c->pass == NULL) && (!tty || stdin_pass))
        return keel_error(err, 0, "Cannot perform an interactive login from a non TTY device");
    if (c->user == NULL && (c->user = prompt("Username", false)) == NULL)
        return keel_error(err, 0, "no username given");
    if (c->pass == NULL && (c->pass = prompt("Password", true)) == NULL)
        return keel_error(err, 0, "no password given");
    return 0;
}

int cmd_login(const struct cmd_ctx *ctx, int argc, char **argv, keel_err *err)
{
    (void)ctx;
    static const struct option opts[] = {
        {"username", required_argument, NULL, 'u'},
        {"password", required_argument, NULL, 'p'},
        {"password-stdin", no_argument, NULL, 's'},
        {"insecure", no_argument, NULL, 'k'},
        {0},
    };
    struct auth_creds c = {0};
    bool stdin_pass = false, insecure = false, given_pass = false;
    int opt, ret = 0;
    while (ret == 0 && (opt = getopt_long(argc, argv, "+u:p:", opts, NULL)) != -1) {
        switch (opt) {
        case 'u':
            free(c.user);
            c.user = strdup(optarg);
            break;
        case 'p':
            free(c.pass);
            c.pass = strdup(optarg);
            given_pass = true;
            break;
        case 's':
            stdin_pass = true;
            break;
        case 'k':
            insecure = true;
            break;
        default:
            ret = cmd_usage(err, USAGE);
        }
    }
    if (ret == 0 && argc - optind > 1)
        ret = cmd_usage(err, USAGE);
    if (ret == 0 && given_pass && stdin_pass)
        ret = keel_error(err, 0, "--password and --password-stdin are mutually exclusive");
    if (ret == 0 && stdin_pass && c.user == NULL)
        ret = keel_error(err, 0, "Must provide --username with --password-stdin");
    if (ret == 0 && given_pass)
        fprintf(stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
    if (ret == 0 && stdin_pass)
        ret = password_from_stdin(&c.pass, err);
    const char *server = argc > optind ? argv[optind] : NULL;
    if (ret == 0 && c.user == NULL && c.pass == NULL && !stdin_pass)
        ret = stored(server, &c, err);
    if (ret == 0)
        ret = ask(&c, stdin_pass, err);
    struct login_result res = {0};
    if (ret == 0)
        ret = registry_login(server, &c, insecure, &res, err);
    auth_creds_release(&c);
    if (ret < 0)
        return -1;
    if (res.helper == NULL)
        fprintf(stderr,
                "WARNING! Your password will be stored unencrypted in %s.\n"
                "Configure a credential helper to remove this warning. See\n"
                "https://docs.docker.com/engine/reference/commandline/login/#credentials-store\n\n",
                res.path);
    printf("Login Succeeded\n");
    login_result_release(&res);
    return 0;
}
