/* Mount stubs: recorded before a RUN, removed after it when still empty. */
#include "stubs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "keel/spec.h"
#include "layer_path.h"

int stubs_record(struct mount_stubs *s, int rootfd, char *const *dests, size_t n,
                 keel_err *err)
{
    for (size_t i = 0; i < n; i++) {
        char clean[PATH_MAX];
        if (layer_path_clean(dests[i], clean, sizeof clean) < 0 || clean[0] == '\0')
            continue;
        /* the first prefix that is missing (the parent exists, resolved inside) */
        for (char *p = clean;; p++) {
            bool end = *p == '\0';
            if (*p != '/' && !end)
                continue;
            *p = '\0';
            char parent[PATH_MAX];
            strcpy(parent, clean);
            const char *dir;
            const char *base = layer_path_split(parent, &dir);
            keel_err ignored;
            cleanup_close int dfd = root_open_dir(rootfd, dir, O_PATH, false, &ignored);
            struct stat st;
            bool missing = dfd >= 0 && fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
                           errno == ENOENT;
            if (missing) {
                if (spec_strs_append(&s->paths, &s->n, clean) < 0)
                    return keel_syserror(err, "mount stubs");
                break;
            }
            if (dfd < 0 || end)
                break;
            *p = '/';
        }
    }
    return 0;
}

/* Removes name in dirfd if it is an empty file or holds only such things. */
static bool remove_if_empty(int parent, const char *name)
{
    struct stat st;
    if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT;
    if (S_ISREG(st.st_mode))
        return st.st_size == 0 && unlinkat(parent, name, 0) == 0;
    if (!S_ISDIR(st.st_mode))
        return false;
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    bool empty = true;
    struct dirent *e;
    while (empty && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = remove_if_empty(dirfd(d), e->d_name);
    closedir(d);
    return empty && unlinkat(parent, name, AT_REMOVEDIR) == 0;
}

void stubs_remove(const struct mount_stubs *s, int rootfd)
{
    for (size_t i = s->n; i-- > 0;) {
        char path[PATH_MAX];
        strcpy(path, s->paths[i]);
        const char *dir;
        const char *base = layer_path_split(path, &dir);
        keel_err ignored;
        cleanup_close int dfd = root_open_dir(rootfd, dir, O_RDONLY, false, &ignored);
        if (dfd >= 0)
            remove_if_empty(dfd, base); /* a stub the step filled stays, as in BuildKit */
    }
}

void stubs_release(struct mount_stubs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->paths[i]);
    free(s->paths);
    s->paths = NULL;
    s->n = 0;
}
