/* keel's own bookkeeping for a container (state.json in its state directory)
 * and `keel list -f json`, an array of the spec's state objects. */
#ifndef KEEL_RUNTIME_STATE_H
#define KEEL_RUNTIME_STATE_H

#include "keel/runtime_spec.h"

/* What `create` records (hooks copied from the config so that start and
 * delete need not parse it again); the status is not stored, it is derived from the
 * process (alive, same start time) and the exec FIFO each time it is read. */
#define KEEL_CONTAINER_STATE(X, T) \
    X(T, STR, ociVersion, "ociVersion", _) \
    X(T, STR, id, "id", _) \
    X(T, I32, pid, "pid", _) \
    X(T, U64, pidStartTime, "pidStartTime", _) \
    X(T, STR, bundle, "bundle", _) \
    X(T, STR, rootfs, "rootfs", _) \
    X(T, STR, created, "created", _) \
    X(T, STR, owner, "owner", _) \
    X(T, MAP, annotations, "annotations", _) \
    X(T, STR, cgroupPath, "cgroupPath", _) \
    X(T, OBJ, hooks, "hooks", oci_hooks)
SPEC_DECLARE(keel_container_state, KEEL_CONTAINER_STATE)

#define KEEL_STATE_LIST(X, T) \
    X(T, OBJS, items, "items", oci_state)
SPEC_DECLARE(keel_state_list, KEEL_STATE_LIST)

#endif
