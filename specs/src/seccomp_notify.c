/* Table for the seccomp agent's container process state. */
#include <stdlib.h>

#include "keel/seccomp_notify.h"

SPEC_DEFINE(oci_container_process_state, OCI_CONTAINER_PROCESS_STATE)
