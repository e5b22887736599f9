/* The options create and run share. */
#ifndef KEEL_CREATE_OPTIONS_H
#define KEEL_CREATE_OPTIONS_H

#include <stdbool.h>

#include "container.h"
#include "keel/error.h"

/* Parses create's options (and run's -d/--keep/--detach when `run`);
 * returns the index of the first operand. Adds LISTEN_FDS to preserve_fds. */
int create_options_parse(struct create_opts *o, bool run, int argc, char **argv, bool *detach,
                         bool *keep, keel_err *err);

#endif
