/* The exec form's JSON array of strings, read with specs' JSON engine. */
#ifndef KEEL_BUILD_JSON_STRINGS_H
#define KEEL_BUILD_JSON_STRINGS_H

#include <stddef.h>

/* Parses text as a JSON array of strings into a malloc'd, NULL-terminated
 * vector. -1 (nothing allocated) when it is not one. */
int json_strings_parse(const char *text, char ***out, size_t *n);

#endif
