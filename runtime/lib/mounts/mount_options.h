/* Mount option strings (config.md "Linux mount options") turned into what
 * mount(2) and mount_setattr(2) take; one table knows every option. */
#ifndef KEEL_MOUNT_OPTIONS_H
#define KEEL_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keel/error.h"

#define MOUNT_OPTS_MAX_PROPAGATION 4

struct mount_opts {
    unsigned long flags;   /* MS_* to set (MS_BIND, MS_REC with rbind, MS_RDONLY, ...) */
    unsigned long cleared; /* MS_* an option asked to clear ("rw", "suid", ...) */
    /* Propagation changes (MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE, each
     * maybe | MS_REC), in order; each is its own mount(2) call. */
    unsigned long propagation[MOUNT_OPTS_MAX_PROPAGATION];
    size_t npropagation;
    /* MOUNT_ATTR_* applied to the whole tree with mount_setattr(AT_RECURSIVE). */
    uint64_t rec_set, rec_clr;
    bool idmap, ridmap;
    bool tmpcopyup; /* a tmpfs starts with a copy of the directory it covers */
    char *data; /* unknown options joined by ',' for mount(2)'s data; NULL when none */
};

/* Parses options[0..n). Unknown options go to data (the filesystem's own).
 * Later options override earlier ones ("ro","rw" is rw). */
int mount_opts_parse(char *const *options, size_t n, struct mount_opts *out, keel_err *err);
void mount_opts_release(struct mount_opts *o);
/* Appends one filesystem option to o->data. */
int mount_opts_add_data(struct mount_opts *o, const char *opt, keel_err *err);

/* The MOUNT_ATTR_* set and clear masks that mount_setattr needs to give a
 * bind mount the per-mount flags in o (ro, nosuid, noatime, ...), non-recursively. */
void mount_opts_attr(const struct mount_opts *o, uint64_t *set, uint64_t *clr);

/* The propagation flag (MS_SLAVE|MS_REC, ...) a rootfsPropagation value names,
 * or 0 when the name is not one. */
unsigned long mount_propagation_flag(const char *name);

/* Every option name mount_opts_parse knows, NULL-terminated (for `keel features`). */
extern const char *const rootfs_mount_option_names[];

#endif
