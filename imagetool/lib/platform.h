/* Platforms ("linux/arm64/v8"): parsing, the host's, and matching index entries. */
#ifndef KEEL_IMAGE_PLATFORM_H
#define KEEL_IMAGE_PLATFORM_H

#include <stdbool.h>

#include "keel/error.h"
#include "keel/image_spec.h"

struct platform {
    char os[32];
    char arch[72];
    char variant[32]; /* "" when none */
};

/* "OS/ARCH[/VARIANT]". */
int platform_parse(const char *s, struct platform *out, keel_err *err);
/* The machine's platform in Go's names (x86_64 -> amd64, aarch64 -> arm64/v8). */
void platform_host(struct platform *out);
/* Whether an index entry's platform runs as want. A missing variant in want
 * accepts any; arm64's v8 and no variant are the same. */
bool platform_matches(const struct platform *want, const struct oci_platform *have);
/* "os/arch[/variant]" into buf. */
const char *platform_string(const char *os, const char *arch, const char *variant, char *buf,
                            size_t len);

#endif
