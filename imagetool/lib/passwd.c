/* /etc/passwd and /etc/group lookups in a container's rootfs. */
#include "passwd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "layer_path.h"

/* A database file from the rootfs, opened inside it; NULL when missing. */
static FILE *open_in_root(int rootfd, const char *path, keel_err *err, bool *failed)
{
    *failed = false;
    int fd = root_open_file(rootfd, path, err);
    if (fd < 0) {
        *failed = err->errnum != ENOENT;
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (f == NULL) {
        close(fd);
        *failed = true;
        keel_syserror(err, "open /%s in the rootfs", path);
    }
    return f;
}

static bool parse_id(const char *s, uint32_t *out)
{
    if (*s == '\0')
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*end != '\0' || errno != 0 || v > UINT32_MAX || *s == '-')
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Splits a colon-separated line into at most n fields (in place). */
static size_t split_fields(char *line, char **field, size_t n)
{
    line[strcspn(line, "\n")] = '\0';
    size_t i = 0;
    while (i < n) {
        field[i++] = line;
        char *colon = strchr(line, ':');
        if (colon == NULL)
            break;
        *colon = '\0';
        line = colon + 1;
    }
    return i;
}

struct passwd_entry {
    char *name;
    uint32_t uid, gid;
    char *home;
    bool found;
};

/* Finds a user by name, or by uid when name is NULL. */
static int find_user(int rootfd, const char *name, uint32_t uid, struct passwd_entry *pe,
                     keel_err *err)
{
    bool failed;
    cleanup_fclose FILE *f = open_in_root(rootfd, "etc/passwd", err, &failed);
    if (f == NULL)
        return failed ? -1 : 0;
    cleanup_free char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        char *field[7];
        uint32_t id, gid;
        if (split_fields(line, field, 7) < 4 || !parse_id(field[2], &id) ||
            !parse_id(field[3], &gid))
            continue;
        if (name != NULL ? strcmp(field[0], name) != 0 : id != uid)
            continue;
        pe->name = strdup(field[0]);
        pe->home = strdup(field[5] != NULL && field[5][0] != '\0' ? field[5] : "/");
        if (pe->name == NULL || pe->home == NULL)
            return keel_syserror(err, "read /etc/passwd");
        pe->uid = id;
        pe->gid = gid;
        pe->found = true;
        return 0;
    }
    return 0;
}

/* Looks a group up by name (gid out), or collects the gids of the groups that
 * list `member` (when member is non-NULL and name NULL). */
static int scan_groups(int rootfd, const char *name, uint32_t *gid, bool *found,
                       const char *member, struct oci_user *user, keel_err *err)
{
    bool failed;
    cleanup_fclose FILE *f = open_in_root(rootfd, "etc/group", err, &failed);
    if (f == NULL)
        return failed ? -1 : 0;
    cleanup_free char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        char *field[4] = {NULL};
        uint32_t id;
        if (split_fields(line, field, 4) < 3 || !parse_id(field[2], &id))
            continue;
        if (name != NULL) {
            if (strcmp(field[0], name) == 0) {
                *gid = id;
                *found = true;
                return 0;
            }
            continue;
        }
        for (char *m = field[3], *save = NULL; m != NULL;) {
            char *tok = strtok_r(m, ",", &save);
            m = NULL;
            for (; tok != NULL; tok = strtok_r(NULL, ",", &save)) {
                if (strcmp(tok, member) != 0)
                    continue;
                uint32_t *v = realloc(user->additionalGids,
                                      (user->additionalGids_len + 1) * sizeof *v);
                if (v == NULL)
                    return keel_syserror(err, "read /etc/group");
                v[user->additionalGids_len++] = id;
                user->additionalGids = v;
                break;
            }
        }
    }
    return 0;
}

int user_resolve(int rootfd, const char *spec, struct oci_user *user, char **home,
                 keel_err *err)
{
    cleanup_free char *copy = strdup(spec != NULL ? spec : "");
    if (copy == NULL)
        return keel_syserror(err, "resolve user");
    char *group = strchr(copy, ':');
    if (group != NULL)
        *group++ = '\0';
    const char *name = copy[0] != '\0' ? copy : "root";

    struct passwd_entry pe = {0};
    uint32_t uid;
    bool numeric = parse_id(name, &uid);
    int rc = find_user(rootfd, numeric ? NULL : name, uid, &pe, err);
    cleanup_free char *pe_name = pe.name;
    cleanup_free char *pe_home = pe.home;
    if (rc < 0)
        return keel_error_wrap(err, "user %s", spec);
    if (!numeric && !pe.found) {
        if (copy[0] != '\0')
            return keel_error(err, ENOENT, "user %s: no such user in the image's /etc/passwd",
                              spec);
        pe.uid = pe.gid = 0; /* no passwd file: the default root still works */
    }
    user->uid = pe.found ? pe.uid : numeric ? uid : 0;
    user->gid = pe.found ? pe.gid : 0;
    user->has_uid = user->has_gid = true;

    if (group != NULL && group[0] != '\0') {
        uint32_t gid;
        bool found = false;
        if (!parse_id(group, &gid)) {
            if (scan_groups(rootfd, group, &gid, &found, NULL, user, err) < 0)
                return keel_error_wrap(err, "user %s", spec);
            if (!found)
                return keel_error(err, ENOENT, "user %s: no such group in the image's /etc/group",
                                  spec);
        }
        user->gid = gid;
    } else if (!numeric && pe.found) {
        if (scan_groups(rootfd, NULL, NULL, NULL, pe.name, user, err) < 0)
            return keel_error_wrap(err, "user %s", spec);
    }
    *home = strdup(pe.found ? pe.home : "/");
    if (*home == NULL)
        return keel_syserror(err, "resolve user");
    return 0;
}
