/* runc-compatible option parsing (see options.h). */
#include "options.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const struct keel_option *find_long(const struct keel_option *o, const char *name, size_t len)
{
    for (; o->name != NULL; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static const struct keel_option *find_short(const struct keel_option *o, char c)
{
    for (; o->name != NULL; o++)
        if (o->short_name != 0 && o->short_name == c)
            return o;
    return NULL;
}

int options_next(struct keel_option_parser *p, const char **value, keel_err *err)
{
    *value = NULL;
    if (p->index >= p->argc)
        return 0;
    const char *arg = p->argv[p->index];
    if (arg[0] != '-' || arg[1] == '\0')
        return 0;
    if (strcmp(arg, "--") == 0) {
        p->index++;
        return 0;
    }
    const char *name = arg + (arg[1] == '-' ? 2 : 1);
    const char *eq = strchr(name, '=');
    size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
    const struct keel_option *o = find_long(p->options, name, len);
    if (o == NULL && len == 1)
        o = find_short(p->options, name[0]);
    if (o == NULL)
        return keel_error(err, 0, "unknown option %.*s", (int)(name - arg + len), arg);
    p->index++;
    if (eq != NULL) {
        *value = eq + 1;
    } else if (o->takes_value) {
        if (p->index >= p->argc)
            return keel_error(err, 0, "option %s needs a value", arg);
        *value = p->argv[p->index++];
    }
    return o->key;
}

bool options_bool(const char *value)
{
    return value == NULL || strcmp(value, "true") == 0 || strcmp(value, "1") == 0;
}

int options_uint(const char *name, const char *value, int *out, keel_err *err)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || v < 0 || v > INT_MAX)
        return keel_error(err, 0, "%s: invalid number %s", name, value);
    *out = (int)v;
    return 0;
}
