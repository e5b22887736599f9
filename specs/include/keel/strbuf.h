/* A growing NUL-terminated string (the template engine's output, the
 * tabwriter's, build's word substitution). */
#ifndef KEEL_STRBUF_H
#define KEEL_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *p; /* NULL until something is added; the caller frees it */
    size_t len, cap;
};

/* Appends n bytes of s (p stays NUL-terminated). -1 with errno when it
 * cannot grow; b is then unchanged. */
int strbuf_add(struct strbuf *b, const char *s, size_t n);

#endif
