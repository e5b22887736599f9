/* The table for docker's json-file log entry (keel/container_log.h). */
#include <stdlib.h>

#include "keel/container_log.h"

SPEC_DEFINE(docker_log_entry, DOCKER_LOG_ENTRY)
