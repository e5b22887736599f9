/* docker's json-file log as keel-monitor writes it and `logs` reads it back:
 * one object per line of output, {"log":"...","stream":"stdout","time":"..."}.
 * `log` is the bytes the container wrote (a last piece without a newline is
 * an entry of its own), `time` RFC 3339 with nanoseconds, UTC. */
#ifndef KEEL_CONTAINER_LOG_H
#define KEEL_CONTAINER_LOG_H

#include "keel/spec.h"

#define DOCKER_LOG_ENTRY(X, T) \
    X(T, BYTES, log, "log", _) \
    X(T, STR, stream, "stream", _) \
    X(T, STR, time, "time", _)
SPEC_DECLARE(docker_log_entry, DOCKER_LOG_ENTRY)

#endif
