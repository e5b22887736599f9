/* The memory cgroup's OOM kill counter (oom.h). */
#include "oom.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "keel/cleanup.h"

int oom_counter_path(pid_t pid, char *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
    cleanup_fclose FILE *f = fopen(path, "re");
    if (f == NULL)
        return -1;
    cleanup_free char *line = NULL;
    size_t cap = 0;
    char unified[4096] = "";
    while (getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        /* "N:controllers:/path" */
        char *c = strchr(line, ':');
        char *p = c ? strchr(c + 1, ':') : NULL;
        if (p == NULL)
            continue;
        *p++ = '\0';
        c++;
        if (strcmp(line, "0") == 0 && *c == '\0') {
            snprintf(unified, sizeof unified, "%s", p);
            continue;
        }
        for (char *save = NULL, *tok = strtok_r(c, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save))
            if (strcmp(tok, "memory") == 0) {
                snprintf(buf, len, "/sys/fs/cgroup/memory%s/memory.oom_control", p);
                return 0;
            }
    }
    /* v2 only when the unified hierarchy is the root one (not hybrid's) */
    if (unified[0] == '\0' || access("/sys/fs/cgroup/cgroup.controllers", F_OK) < 0)
        return -1;
    snprintf(buf, len, "/sys/fs/cgroup%s/memory.events", unified);
    return 0;
}

long oom_count(const char *path)
{
    cleanup_fclose FILE *f = fopen(path, "re");
    if (f == NULL)
        return -1;
    char key[64];
    long n;
    while (fscanf(f, "%63s %ld", key, &n) == 2)
        if (strcmp(key, "oom_kill") == 0)
            return n;
    return -1;
}
