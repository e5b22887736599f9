/* CVE-2019-5736: a container process must never reach a writable keel
 * binary through /proc/<pid>/exe. Commands that start container processes
 * first re-exec keel from a sealed, read-only memfd copy of itself, so that
 * the only executable a container can see is that copy. */
#ifndef KEEL_EXE_SEAL_H
#define KEEL_EXE_SEAL_H

#include "keel/error.h"

/* Returns 0 when already running from a sealed copy; otherwise execs one
 * (and returns only on failure). */
int exe_ensure_sealed(char **argv, keel_err *err);

#endif
