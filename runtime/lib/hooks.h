/* OCI hooks: each runs with the container's state on stdin, its own args and
 * env, and an optional timeout; the caller picks the moment and namespace. */
#ifndef KEEL_HOOKS_H
#define KEEL_HOOKS_H

#include <stddef.h>

#include "keel/error.h"
#include "keel/runtime_spec.h"

/* Runs hooks[0..n) in order and stops at the first failure (a non-zero exit,
 * a signal or a timeout). `kind` names the list in errors ("createRuntime"). */
int hooks_run(const struct oci_hook *hooks, size_t n, const char *kind, const char *state_json,
              keel_err *err);

/* Runs every hook even when one fails; failures become warnings (poststart,
 * poststop). */
void hooks_run_warn(const struct oci_hook *hooks, size_t n, const char *kind, const char *state_json);

#endif
