/* process.capabilities: the five sets through libcap. */
#ifndef KEEL_CAPABILITIES_H
#define KEEL_CAPABILITIES_H

#include <stddef.h>

#include "keel/error.h"
#include "keel/runtime_spec.h"

/* Drops from the bounding set every capability not listed (needs CAP_SETPCAP,
 * so before the user switch). */
int caps_apply_bounding(const struct oci_capabilities *c, keel_err *err);
/* Sets effective, permitted and inheritable, then raises the ambient ones
 * (after the user switch, with PR_SET_KEEPCAPS held across it). `extra` (a
 * CAP_* value, or -1 for none) is kept in effective and permitted besides the
 * configured ones, for a step still to come before execve (which recomputes them). */
int caps_apply(const struct oci_capabilities *c, int extra, keel_err *err);
/* Raises `cap` (a permitted one; -1: nothing to do) in the effective set. */
int caps_raise_effective(int cap, keel_err *err);

/* "CAP_CHOWN", ... every capability libcap and the kernel know; a NULL-
 * terminated malloc'd vector (features). */
char **caps_all_names(keel_err *err);

#endif
