/* Cleanup attributes: resources that release themselves on every return path. */
#ifndef KEEL_CLEANUP_H
#define KEEL_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void keel_freep(void *p)
{
    free(*(void **)p);
}

static inline void keel_closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
    }
}

static inline void keel_fclosep(FILE **f)
{
    if (*f != NULL)
        fclose(*f);
}

static inline void keel_closedirp(DIR **d)
{
    if (*d != NULL)
        closedir(*d);
}

static inline void keel_strvfreep(char ***v)
{
    if (*v == NULL)
        return;
    for (char **p = *v; *p != NULL; p++)
        free(*p);
    free(*v);
}

#define cleanup_free __attribute__((cleanup(keel_freep)))
#define cleanup_close __attribute__((cleanup(keel_closep)))
#define cleanup_fclose __attribute__((cleanup(keel_fclosep)))
#define cleanup_dir __attribute__((cleanup(keel_closedirp)))
#define cleanup_strv __attribute__((cleanup(keel_strvfreep)))

/* Hands ownership out of a cleanup variable: `return steal_ptr(p);`. */
#define steal_ptr(p) ({ __typeof__(p) steal_tmp_ = (p); (p) = NULL; steal_tmp_; })
#define steal_fd(fd) ({ int steal_tmp_ = (fd); (fd) = -1; steal_tmp_; })

#endif
