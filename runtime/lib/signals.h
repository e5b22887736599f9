/* Signal names as `kill` accepts them: KILL, SIGKILL, sigkill, 9, RTMIN+2. */
#ifndef KEEL_SIGNALS_H
#define KEEL_SIGNALS_H

#include "keel/error.h"

/* Returns the signal number, or -1 with err set. */
int signal_parse(const char *s, keel_err *err);

#endif
