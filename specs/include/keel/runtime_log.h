/* keel's log lines (--log FILE --log-format json), as runc writes them and
 * as podman, conmon and containerd read them back: one object per line. */
#ifndef KEEL_RUNTIME_LOG_H
#define KEEL_RUNTIME_LOG_H

#include "keel/spec.h"

#define KEEL_LOG_ENTRY(X, T) \
    X(T, STR, level, "level", _) \
    X(T, STR, msg, "msg", _) \
    X(T, STR, time, "time", _)
SPEC_DECLARE(keel_log_entry, KEEL_LOG_ENTRY)

#endif
