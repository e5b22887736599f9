/* Every top-level document type of specs/, by name ("oci_config"), for tools
 * and tests that pick the type at run time. */
#ifndef KEEL_SPEC_TYPES_H
#define KEEL_SPEC_TYPES_H

#include "keel/spec.h"

/* NULL-terminated. */
extern const struct spec_type *const spec_document_types[];

/* The document type whose name is `name`, or NULL. */
const struct spec_type *spec_document_type(const char *name);

#endif
