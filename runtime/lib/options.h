/* Command-line options the way runc's urfave/cli reads them: `--name value`,
 * `--name=value`, `-name value`, `-n value`, booleans as `--flag` or
 * `--flag=true|false`; parsing stops at the first argument that is not an
 * option (or after `--`). */
#ifndef KEEL_OPTIONS_H
#define KEEL_OPTIONS_H

#include <stdbool.h>

#include "keel/error.h"

struct keel_option {
    const char *name;  /* long name, without dashes */
    char short_name;   /* 0 when none */
    bool takes_value;
    int key;           /* returned to the caller */
};

struct keel_option_parser {
    const struct keel_option *options; /* terminated by name == NULL */
    int argc;
    char **argv;
    int index;         /* next argument to look at; the first operand once done */
};

/* Returns the key of the next option and sets *value (NULL for booleans, or
 * "true"/"false" when written as --flag=...), 0 when the options are over, or
 * -1 with err set for an unknown option or a missing value. */
int options_next(struct keel_option_parser *p, const char **value, keel_err *err);

/* A boolean option's value: true for NULL, "true" or "1". */
bool options_bool(const char *value);

/* Parses a non-negative decimal number that fits in an int. */
int options_uint(const char *name, const char *value, int *out, keel_err *err);

#endif
