/* Tables for keel's state file, `list -f json` and log lines. */
#include <stdlib.h>

#include "keel/runtime_log.h"
#include "keel/runtime_state.h"

SPEC_DEFINE(keel_log_entry, KEEL_LOG_ENTRY)
SPEC_DEFINE(keel_container_state, KEEL_CONTAINER_STATE)
SPEC_DEFINE_AS(keel_state_list, KEEL_STATE_LIST, true)
