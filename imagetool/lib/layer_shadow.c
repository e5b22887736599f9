/* Where overlayfs and a flat unpack disagree: a layer's directory standing
 * where the layers below have a symlink or a file (a tar entry "lib/x" over a
 * lower "lib -> usr/lib"). A flat unpack writes through the link (or fails,
 * after 40 links, with ELOOP); overlayfs shows the directory instead. */
#include "layer_shadow.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "keel/cleanup.h"

/* What the layers below show at name in their directories lower[0..n) (top
 * first): the directories of those that have one there, in *dirs, until a
 * layer has something else. Returns 1 when that is a symlink or a file, 0
 * otherwise (a directory, nothing, or a whiteout hiding the rest). */
static int lower_view(const int *lower, size_t n, const char *name, int *dirs, size_t *ndirs,
                      keel_err *err)
{
    *ndirs = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (fstatat(lower[i], name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT)
                continue;
            return keel_syserror(err, "stat %s in a layer", name);
        }
        if (S_ISDIR(st.st_mode)) {
            int fd = openat(lower[i], name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0)
                return keel_syserror(err, "open %s in a layer", name);
            dirs[(*ndirs)++] = fd;
            continue;
        }
        bool whiteout = S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
        return *ndirs == 0 && !whiteout ? 1 : 0;
    }
    return 0;
}

static int shadows(int upper, const int *lower, size_t n, keel_err *err)
{
    int dfd = dup(upper);
    if (dfd < 0)
        return keel_syserror(err, "read a layer directory");
    cleanup_dir DIR *d = fdopendir(dfd);
    if (d == NULL) {
        close(dfd);
        return keel_syserror(err, "read a layer directory");
    }
    int *dirs = calloc(n ? n : 1, sizeof *dirs);
    if (dirs == NULL)
        return keel_syserror(err, "read a layer directory");
    int found = 0;
    struct dirent *de;
    while (found == 0 && (de = readdir(d)) != NULL) {
        if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        size_t ndirs = 0;
        found = lower_view(lower, n, de->d_name, dirs, &ndirs, err);
        if (found == 0 && ndirs > 0) {
            int sub = openat(upper, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            found = sub < 0 ? keel_syserror(err, "open %s in a layer", de->d_name)
                            : shadows(sub, dirs, ndirs, err);
            if (sub >= 0)
                close(sub);
        }
        for (size_t i = 0; i < ndirs; i++)
            close(dirs[i]);
    }
    free(dirs);
    return found;
}

int layers_shadow_links(char *const *layers, size_t n, bool *shadow, keel_err *err)
{
    *shadow = false;
    int *fds = calloc(n ? n : 1, sizeof *fds);
    if (fds == NULL)
        return keel_syserror(err, "check layers");
    size_t opened = 0;
    int rc = 0;
    for (; opened < n; opened++) {
        fds[opened] = open(layers[opened], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fds[opened] < 0) {
            rc = keel_syserror(err, "open layer %s", layers[opened]);
            break;
        }
    }
    /* layer i against the ones below it, top first */
    for (size_t i = n; rc == 0 && !*shadow && i-- > 1;) {
        int *below = malloc(i * sizeof *below);
        if (below == NULL) {
            rc = keel_syserror(err, "check layers");
            break;
        }
        for (size_t j = 0; j < i; j++)
            below[j] = fds[i - 1 - j];
        int r = shadows(fds[i], below, i, err);
        free(below);
        if (r < 0)
            rc = -1;
        *shadow = r > 0;
    }
    for (size_t i = 0; i < opened; i++)
        close(fds[i]);
    free(fds);
    return rc;
}
