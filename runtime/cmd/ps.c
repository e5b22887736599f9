/* keel ps [-f table|json] ID [ps options...]: the container's processes; the
 * table is ps(1)'s output (`ps -ef` unless options follow the ID) filtered to
 * the PIDs in the container's cgroup, as runc does. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "keel/runtime_events.h"
#include "commands.h"
#include "container_cgroup.h"
#include "options.h"

static int print_json(const pid_t *pids, size_t n, keel_err *err)
{
    cleanup_free uint32_t *v = calloc(n + 1, sizeof *v);
    struct runc_ps_pids doc = { .pids = v, .pids_len = n };
    cleanup_free char *json = NULL;

    if (v == NULL)
        return keel_syserror(err, "ps");
    for (size_t i = 0; i < n; i++)
        v[i] = (uint32_t)pids[i];
    json = spec_generate(&spec_type_runc_ps_pids, &doc, false, NULL, err);
    if (json == NULL)
        return -1;
    printf("%s\n", json);
    return 0;
}

/* Runs ps with args and returns its whole output (malloc'd). */
static char *run_ps(char **args, int nargs, keel_err *err)
{
    cleanup_free char **argv = calloc((size_t)nargs + 2, sizeof *argv);
    char *out = NULL;
    size_t len = 0;
    FILE *f;
    int p[2], status;
    pid_t pid;

    if (argv == NULL || pipe2(p, O_CLOEXEC) < 0)
        return keel_syserror(err, "ps"), NULL;
    argv[0] = "ps";
    if (nargs == 0)
        argv[1] = "-ef";
    for (int i = 0; i < nargs; i++)
        argv[i + 1] = args[i];
    pid = fork();
    if (pid == 0) {
        dup2(p[1], STDOUT_FILENO);
        execvp("ps", argv);
        _exit(127);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return keel_syserror(err, "fork ps"), NULL;
    }
    f = fdopen(p[0], "r");
    if (f != NULL) {
        FILE *mem = open_memstream(&out, &len);
        char buf[4096];
        size_t n;
        while (mem != NULL && (n = fread(buf, 1, sizeof buf, f)) > 0)
            fwrite(buf, 1, n, mem);
        if (mem != NULL)
            fclose(mem);
        fclose(f);
    } else {
        close(p[0]);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (out == NULL || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        free(out);
        return keel_error(err, 0, "ps %s failed", nargs ? args[0] : "-ef"), NULL;
    }
    return out;
}

/* The n-th whitespace-separated field of line as a number, -1 when absent. */
static long field_number(const char *line, int n)
{
    char copy[4096], *save = NULL, *w;
    int i = 0;

    snprintf(copy, sizeof copy, "%s", line);
    for (w = strtok_r(copy, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save), i++) {
        if (i == n)
            return strtol(w, NULL, 10);
    }
    return -1;
}

/* Which field of ps' header is PID, -1 when none is. */
static int pid_column(const char *header)
{
    char copy[4096], *save = NULL, *w;
    int i = 0;

    snprintf(copy, sizeof copy, "%s", header);
    for (w = strtok_r(copy, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save), i++) {
        if (strcmp(w, "PID") == 0)
            return i;
    }
    return -1;
}

static int print_table(const pid_t *pids, size_t n, char **args, int nargs, keel_err *err)
{
    cleanup_free char *out = run_ps(args, nargs, err);
    char *save = NULL, *line;
    int column;

    if (out == NULL)
        return -1;
    line = strtok_r(out, "\n", &save);
    if (line == NULL)
        return keel_error(err, 0, "ps printed nothing");
    column = pid_column(line);
    if (column < 0)
        return keel_error(err, 0, "ps: no PID column in \"%s\"", line);
    printf("%s\n", line);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        long pid = field_number(line, column);

        for (size_t k = 0; k < n; k++) {
            if (pids[k] == pid) {
                printf("%s\n", line);
                break;
            }
        }
    }
    return 0;
}

int cmd_ps(const struct globals *g, int argc, char **argv, keel_err *err)
{
    static const struct keel_option opts[] = { { "format", 'f', true, 1 }, { NULL, 0, false, 0 } };
    struct keel_option_parser p = { .options = opts, .argc = argc, .argv = argv, .index = 1 };
    cleanup_free pid_t *pids = NULL;
    bool json = false;
    const char *v;
    size_t n = 0;
    int key, rc;

    while ((key = options_next(&p, &v, err)) > 0) {
        if (strcmp(v, "json") == 0)
            json = true;
        else if (strcmp(v, "table") != 0)
            return keel_error(err, 0, "invalid format %s: table or json", v);
    }
    if (key < 0)
        return -1;
    if (p.index >= argc)
        return keel_error(err, 0, "usage: keel ps [-f table|json] ID [ps options]");
    if (json && argc - p.index > 1)
        return keel_error(err, 0, "ps: options for ps(1) go with the table format only");
    if (container_pids(g->root, argv[p.index], &pids, &n, err) < 0)
        return -1;
    rc = json ? print_json(pids, n, err)
              : print_table(pids, n, argv + p.index + 1, argc - p.index - 1, err);
    return rc < 0 ? -1 : 0;
}
