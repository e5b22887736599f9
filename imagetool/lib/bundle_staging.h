/* A bundle's staging directory: PARENT/.keel-bundle-XXXXXX beside DIR, locked
 * while it is built, renamed to DIR when complete (nothing is at DIR before). */
#ifndef KEEL_IMAGETOOL_BUNDLE_STAGING_H
#define KEEL_IMAGETOOL_BUNDLE_STAGING_H

#include "keel/error.h"

struct bundle_staging {
    char *final;  /* DIR, absolute */
    char *parent; /* its parent, absolute */
    char *dir;    /* the staging directory, absolute; NULL once renamed */
    int lockfd;   /* flock'ed: a sweep leaves the directory alone */
};

/* Checks that DIR is absent or an empty directory, removes what killed
 * bundles left beside it, and makes the staging directory. */
int bundle_staging_begin(const char *dir, struct bundle_staging *st, keel_err *err);
/* Renames the staging directory to DIR and releases st. */
int bundle_staging_commit(struct bundle_staging *st, keel_err *err);
/* Removes the staging directory (its rootfs unmounted) and releases st. */
void bundle_staging_abort(struct bundle_staging *st);
/* Removes the staging directories under parent whose builder is gone. */
void bundle_staging_sweep(const char *parent);

#endif
