/* The "container process state" that goes with a seccomp listener fd to the
 * agent at linux.seccomp.listenerPath (config-linux.md, "Seccomp"). */
#ifndef KEEL_SECCOMP_NOTIFY_H
#define KEEL_SECCOMP_NOTIFY_H

#include "keel/runtime_spec.h"
#include "keel/spec.h"

#define OCI_CONTAINER_PROCESS_STATE(X, T) \
    X(T, STR, ociVersion, "ociVersion", _) \
    X(T, STRS, fds, "fds", _) \
    X(T, I32, pid, "pid", _) \
    X(T, STR, metadata, "metadata", _) \
    X(T, OBJ, state, "state", oci_state)
SPEC_DECLARE(oci_container_process_state, OCI_CONTAINER_PROCESS_STATE)

#endif
