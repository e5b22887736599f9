/* The mount option table: each config option string and what it does to a mount. */
#include "mount_options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

enum opt_kind {
    OPT_NONE,        /* accepted, changes nothing ("defaults") */
    OPT_SET,         /* sets an MS_* flag */
    OPT_CLEAR,       /* clears an MS_* flag */
    OPT_PROPAGATION, /* a propagation change */
    OPT_REC_SET,     /* sets a MOUNT_ATTR_* recursively */
    OPT_REC_CLEAR,   /* clears a MOUNT_ATTR_* recursively */
    OPT_REC_ATIME,   /* sets the recursive atime mode (value is a MOUNT_ATTR_ atime mode) */
    OPT_IDMAP,
    OPT_RIDMAP,
    OPT_TMPCOPYUP,
};

struct opt {
    const char *name;
    enum opt_kind kind;
    unsigned long value;
};

/* name, kind, value: the one list of options (X-macro, for the table and the names). */
#define MOUNT_OPTIONS(X) \
    X("defaults", OPT_NONE, 0) \
    X("ro", OPT_SET, MS_RDONLY) \
    X("rw", OPT_CLEAR, MS_RDONLY) \
    X("nosuid", OPT_SET, MS_NOSUID) \
    X("suid", OPT_CLEAR, MS_NOSUID) \
    X("nodev", OPT_SET, MS_NODEV) \
    X("dev", OPT_CLEAR, MS_NODEV) \
    X("noexec", OPT_SET, MS_NOEXEC) \
    X("exec", OPT_CLEAR, MS_NOEXEC) \
    X("sync", OPT_SET, MS_SYNCHRONOUS) \
    X("async", OPT_CLEAR, MS_SYNCHRONOUS) \
    X("dirsync", OPT_SET, MS_DIRSYNC) \
    X("remount", OPT_SET, MS_REMOUNT) \
    X("mand", OPT_SET, MS_MANDLOCK) \
    X("nomand", OPT_CLEAR, MS_MANDLOCK) \
    X("noatime", OPT_SET, MS_NOATIME) \
    X("atime", OPT_CLEAR, MS_NOATIME) \
    X("nodiratime", OPT_SET, MS_NODIRATIME) \
    X("diratime", OPT_CLEAR, MS_NODIRATIME) \
    X("relatime", OPT_SET, MS_RELATIME) \
    X("norelatime", OPT_CLEAR, MS_RELATIME) \
    X("strictatime", OPT_SET, MS_STRICTATIME) \
    X("nostrictatime", OPT_CLEAR, MS_STRICTATIME) \
    X("lazytime", OPT_SET, MS_LAZYTIME) \
    X("nolazytime", OPT_CLEAR, MS_LAZYTIME) \
    X("iversion", OPT_SET, MS_I_VERSION) \
    X("noiversion", OPT_CLEAR, MS_I_VERSION) \
    X("silent", OPT_SET, MS_SILENT) \
    X("loud", OPT_CLEAR, MS_SILENT) \
    X("nosymfollow", OPT_SET, MS_NOSYMFOLLOW) \
    X("symfollow", OPT_CLEAR, MS_NOSYMFOLLOW) \
    X("bind", OPT_SET, MS_BIND) \
    X("rbind", OPT_SET, MS_BIND | MS_REC) \
    X("private", OPT_PROPAGATION, MS_PRIVATE) \
    X("rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC) \
    X("shared", OPT_PROPAGATION, MS_SHARED) \
    X("rshared", OPT_PROPAGATION, MS_SHARED | MS_REC) \
    X("slave", OPT_PROPAGATION, MS_SLAVE) \
    X("rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC) \
    X("unbindable", OPT_PROPAGATION, MS_UNBINDABLE) \
    X("runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC) \
    X("rro", OPT_REC_SET, MOUNT_ATTR_RDONLY) \
    X("rrw", OPT_REC_CLEAR, MOUNT_ATTR_RDONLY) \
    X("rnosuid", OPT_REC_SET, MOUNT_ATTR_NOSUID) \
    X("rsuid", OPT_REC_CLEAR, MOUNT_ATTR_NOSUID) \
    X("rnodev", OPT_REC_SET, MOUNT_ATTR_NODEV) \
    X("rdev", OPT_REC_CLEAR, MOUNT_ATTR_NODEV) \
    X("rnoexec", OPT_REC_SET, MOUNT_ATTR_NOEXEC) \
    X("rexec", OPT_REC_CLEAR, MOUNT_ATTR_NOEXEC) \
    X("rnodiratime", OPT_REC_SET, MOUNT_ATTR_NODIRATIME) \
    X("rdiratime", OPT_REC_CLEAR, MOUNT_ATTR_NODIRATIME) \
    X("rnosymfollow", OPT_REC_SET, MOUNT_ATTR_NOSYMFOLLOW) \
    X("rsymfollow", OPT_REC_CLEAR, MOUNT_ATTR_NOSYMFOLLOW) \
    /* The atime modes are one field: each option picks the mode it leaves. */ \
    X("rnoatime", OPT_REC_ATIME, MOUNT_ATTR_NOATIME) \
    X("ratime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME) \
    X("rrelatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME) \
    X("rnorelatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME) \
    X("rstrictatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME) \
    X("rnostrictatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME) \
    X("idmap", OPT_IDMAP, 0) \
    X("ridmap", OPT_RIDMAP, 0) \
    X("tmpcopyup", OPT_TMPCOPYUP, 0)

#define OPT_ENTRY(name, kind, value) { name, kind, value },
static const struct opt opt_table[] = { MOUNT_OPTIONS(OPT_ENTRY) };

#define OPT_COUNT (sizeof opt_table / sizeof opt_table[0])

#define OPT_NAME(name, kind, value) name,
const char *const rootfs_mount_option_names[] = { MOUNT_OPTIONS(OPT_NAME) NULL };

static const struct opt *opt_lookup(const char *name)
{
    for (size_t i = 0; i < OPT_COUNT; i++)
        if (strcmp(opt_table[i].name, name) == 0)
            return &opt_table[i];
    return NULL;
}

int mount_opts_add_data(struct mount_opts *o, const char *opt, keel_err *err)
{
    size_t old = o->data != NULL ? strlen(o->data) : 0, add = strlen(opt);
    char *d = realloc(o->data, old + add + 2);
    if (d == NULL)
        return keel_syserror(err, "mount option %s", opt);
    if (old > 0)
        d[old++] = ',';
    memcpy(d + old, opt, add + 1);
    o->data = d;
    return 0;
}

static void rec_atime(struct mount_opts *o, uint64_t mode)
{
    o->rec_clr |= MOUNT_ATTR__ATIME;
    o->rec_set = (o->rec_set & ~(uint64_t)MOUNT_ATTR__ATIME) | mode;
}

static int opt_apply(struct mount_opts *o, const char *name, keel_err *err)
{
    const struct opt *opt = opt_lookup(name);
    if (opt == NULL)
        return mount_opts_add_data(o, name, err);
    switch (opt->kind) {
    case OPT_NONE:
        break;
    case OPT_SET:
        o->flags |= opt->value;
        o->cleared &= ~opt->value;
        break;
    case OPT_CLEAR:
        o->flags &= ~opt->value;
        o->cleared |= opt->value;
        break;
    case OPT_PROPAGATION:
        if (o->npropagation == MOUNT_OPTS_MAX_PROPAGATION)
            return keel_error(err, 0, "mount option %s: more than %d propagation options",
                              name, MOUNT_OPTS_MAX_PROPAGATION);
        o->propagation[o->npropagation++] = opt->value;
        break;
    case OPT_REC_SET:
        o->rec_set |= opt->value;
        o->rec_clr &= ~(uint64_t)opt->value;
        break;
    case OPT_REC_CLEAR:
        o->rec_clr |= opt->value;
        o->rec_set &= ~(uint64_t)opt->value;
        break;
    case OPT_REC_ATIME:
        rec_atime(o, opt->value);
        break;
    case OPT_IDMAP:
        o->idmap = true;
        break;
    case OPT_RIDMAP:
        o->ridmap = true;
        break;
    case OPT_TMPCOPYUP:
        o->tmpcopyup = true;
        break;
    }
    return 0;
}

int mount_opts_parse(char *const *options, size_t n, struct mount_opts *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (opt_apply(out, options[i], err) < 0) {
            mount_opts_release(out);
            return -1;
        }
    }
    return 0;
}

void mount_opts_release(struct mount_opts *o)
{
    free(o->data);
    o->data = NULL;
}

/* MS_* flags that have a per-mount MOUNT_ATTR_* twin, apart from the atime mode. */
static const struct { unsigned long ms; uint64_t attr; } attr_twins[] = {
    { MS_RDONLY, MOUNT_ATTR_RDONLY },
    { MS_NOSUID, MOUNT_ATTR_NOSUID },
    { MS_NODEV, MOUNT_ATTR_NODEV },
    { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
    { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
    { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
};

void mount_opts_attr(const struct mount_opts *o, uint64_t *set, uint64_t *clr)
{
    *set = 0;
    *clr = 0;
    for (size_t i = 0; i < sizeof attr_twins / sizeof attr_twins[0]; i++) {
        if (o->flags & attr_twins[i].ms)
            *set |= attr_twins[i].attr;
        else if (o->cleared & attr_twins[i].ms)
            *clr |= attr_twins[i].attr;
    }
    bool have_mode = true;
    uint64_t mode = MOUNT_ATTR_RELATIME;
    if (o->flags & MS_NOATIME)
        mode = MOUNT_ATTR_NOATIME;
    else if (o->flags & MS_STRICTATIME)
        mode = MOUNT_ATTR_STRICTATIME;
    else if (o->flags & MS_RELATIME)
        mode = MOUNT_ATTR_RELATIME;
    else if (o->cleared & MS_RELATIME)
        mode = MOUNT_ATTR_STRICTATIME;
    else if (!(o->cleared & (MS_NOATIME | MS_STRICTATIME)))
        have_mode = false;
    if (have_mode) {
        *clr |= MOUNT_ATTR__ATIME;
        *set |= mode;
    }
}

unsigned long mount_propagation_flag(const char *name)
{
    const struct opt *opt = opt_lookup(name);
    return opt != NULL && opt->kind == OPT_PROPAGATION ? opt->value : 0;
}
