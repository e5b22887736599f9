/* CVE-2019-5736: a container process must never reach a writable keel
 * binary through /proc/<pid>/exe. Commands that start container processes
 * first re-exec keel from a read-only view of itself: a detached read-only
 * bind mount of the binary (open_tree + mount_setattr: no copy, nothing in
 * any mount table), or, where the kernel lacks those, a sealed memfd copy.
 * Opening either for writing fails, whoever holds a reference to it. */
#ifndef KEEL_EXE_SEAL_H
#define KEEL_EXE_SEAL_H

#include "keel/error.h"

/* Returns 0 when keel already runs from a read-only file (after the re-exec,
 * or when installed on a read-only filesystem); otherwise execs itself from
 * one (and returns only on failure). */
int exe_ensure_sealed(char **argv, keel_err *err);

#endif
