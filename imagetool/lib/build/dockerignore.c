/* .dockerignore patterns (moby's patternmatcher semantics). */
#include "dockerignore.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keel/cleanup.h"
#include "layer_path.h"

/* [...] at p (just after '['); *end gets the char after ']'. */
static bool class_match(const char *p, char c, const char **end)
{
    bool neg = *p == '^' || *p == '!';
    if (neg)
        p++;
    bool hit = false;
    for (bool first = true; *p != '\0' && (first || *p != ']'); first = false) {
        char lo = *p == '\\' && p[1] != '\0' ? *++p : *p;
        p++;
        char hi = lo;
        if (*p == '-' && p[1] != ']' && p[1] != '\0') {
            hi = p[1] == '\\' && p[2] != '\0' ? p[2] : p[1];
            p += p[1] == '\\' ? 3 : 2;
        }
        if (c >= lo && c <= hi)
            hit = true;
    }
    *end = *p == ']' ? p + 1 : p;
    return hit != neg;
}

bool ignore_glob(const char *p, const char *s)
{
    while (*p != '\0') {
        if (p[0] == '*' && p[1] == '*') {
            p += 2;
            if (*p == '\0')
                return true;
            if (*p == '/') {
                /* "**" + "/": zero or more whole directories */
                p++;
                for (const char *t = s;; t++) {
                    if ((t == s || t[-1] == '/') && ignore_glob(p, t))
                        return true;
                    if (*t == '\0')
                        return false;
                }
            }
            for (const char *t = s;; t++) {
                if (ignore_glob(p, t))
                    return true;
                if (*t == '\0')
                    return false;
            }
        }
        if (*p == '*') {
            p++;
            for (const char *t = s;; t++) {
                if (ignore_glob(p, t))
                    return true;
                if (*t == '\0' || *t == '/')
                    return false;
            }
        }
        if (*s == '\0')
            return false;
        if (*p == '?') {
            if (*s == '/')
                return false;
        } else if (*p == '[') {
            const char *end;
            if (*s == '/' || !class_match(p + 1, *s, &end))
                return false;
            p = end;
            s++;
            continue;
        } else {
            if (*p == '\\' && p[1] != '\0')
                p++;
            if (*p != *s)
                return false;
        }
        p++;
        s++;
    }
    return *s == '\0';
}

static int add_rule(struct dockerignore *d, const char *line, size_t len, keel_err *err)
{
    while (len > 0 && isspace((unsigned char)*line))
        line++, len--;
    while (len > 0 && isspace((unsigned char)line[len - 1]))
        len--;
    if (len == 0 || line[0] == '#')
        return 0;
    bool exclusion = line[0] == '!';
    if (exclusion) {
        line++, len--;
        while (len > 0 && isspace((unsigned char)*line))
            line++, len--;
    }
    cleanup_free char *raw = strndup(line, len);
    char *clean = raw != NULL ? malloc(len + 2) : NULL;
    if (clean == NULL)
        return keel_syserror(err, ".dockerignore");
    if (layer_path_clean(raw, clean, len + 2) < 0)
        strcpy(clean, raw); /* "../x" never matches a context path: kept as written */
    struct ignore_rule *v = realloc(d->v, (d->n + 1) * sizeof *v);
    if (v == NULL) {
        free(clean);
        return keel_syserror(err, ".dockerignore");
    }
    d->v = v;
    v[d->n++] = (struct ignore_rule){.pattern = clean, .exclusion = exclusion};
    return 0;
}

int dockerignore_parse(const char *text, size_t len, struct dockerignore *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    for (size_t start = 0; start < len;) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        if (add_rule(out, text + start, end - start, err) < 0) {
            dockerignore_release(out);
            return -1;
        }
        start = end + 1;
    }
    return 0;
}

void dockerignore_release(struct dockerignore *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].pattern);
    free(d->v);
    memset(d, 0, sizeof *d);
}

/* The pattern matches the path or one of its parent directories. */
static bool matches_or_parent(const char *pattern, const char *path)
{
    if (ignore_glob(pattern, path))
        return true;
    char buf[4096];
    size_t l = strlen(path);
    if (l >= sizeof buf)
        return false;
    memcpy(buf, path, l + 1);
    for (char *slash; (slash = strrchr(buf, '/')) != NULL;) {
        *slash = '\0';
        if (ignore_glob(pattern, buf))
            return true;
    }
    return false;
}

bool dockerignore_excludes(const struct dockerignore *d, const char *path)
{
    bool excluded = false;
    for (size_t i = 0; i < d->n; i++)
        if (excluded == d->v[i].exclusion && matches_or_parent(d->v[i].pattern, path))
            excluded = !d->v[i].exclusion;
    return excluded;
}
