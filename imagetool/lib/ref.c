/* Docker's reference grammar (distribution/reference) and its normalization. */
#include "ref.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "keel/cleanup.h"

#define NAME_MAX_LEN 255
#define TAG_MAX_LEN 128

static bool is_alnum_lower(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* path-component := [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* over s[0..n). */
static bool path_component_ok(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (!is_alnum_lower(s[i]))
            return false;
        while (i < n && is_alnum_lower(s[i]))
            i++;
        if (i == n)
            return true;
        size_t sep = i;
        if (s[i] == '.')
            i++;
        else if (s[i] == '_')
            i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
        else
            while (i < n && s[i] == '-')
                i++;
        if (i == sep || i == n)
            return false;
    }
    return n > 0;
}

static bool domain_component_ok(const char *s, size_t n)
{
    if (n == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-')
            return false;
    return true;
}

static bool port_ok(const char *s)
{
    return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

/* domain := host [':' port], host := component ('.' component)* | '[' ipv6 ']' */
static bool domain_ok(const char *d)
{
    const char *end;
    if (d[0] == '[') {
        end = strchr(d, ']');
        if (end == NULL || end == d + 1 || strspn(d + 1, "0123456789abcdefABCDEF:.") !=
                                               (size_t)(end - d - 1))
            return false;
        end++;
    } else {
        end = d + strcspn(d, ":");
        for (const char *c = d; c < end;) {
            size_t n = strcspn(c, ".:");
            if (c + n > end)
                n = (size_t)(end - c);
            if (!domain_component_ok(c, n))
                return false;
            c += n;
            if (c < end && *c == '.')
                c++;
            if (c == end && c[-1] == '.')
                return false;
        }
    }
    if (*end == '\0')
        return end != d;
    return *end == ':' && port_ok(end + 1);
}

static bool tag_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > TAG_MAX_LEN || !is_word(t[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_word(t[i]) && t[i] != '.' && t[i] != '-')
            return false;
    return true;
}

static bool has_upper(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            return true;
    return false;
}

void ref_release(struct image_ref *r)
{
    free(r->domain);
    free(r->path);
    free(r->tag);
    free(r->digest);
    memset(r, 0, sizeof *r);
}

/* Splits a name into domain and path the way docker does: the first component
 * is a registry only when it looks like a host (has '.' or ':', is
 * "localhost", or has upper case letters). */
static int split_domain(const char *name, struct image_ref *r)
{
    const char *slash = strchr(name, '/');
    size_t n = slash ? (size_t)(slash - name) : 0;
    bool is_host = slash != NULL &&
                   (memchr(name, '.', n) || memchr(name, ':', n) ||
                    (n == 9 && strncmp(name, "localhost", 9) == 0) || has_upper(name, n));
    const char *rest = name;
    if (is_host) {
        r->domain = strndup(name, n);
        rest = slash + 1;
        if (r->domain != NULL && strcmp(r->domain, "index.docker.io") == 0) {
            free(r->domain);
            r->domain = strdup(REF_DEFAULT_DOMAIN);
        }
    } else {
        r->domain = strdup(REF_DEFAULT_DOMAIN);
    }
    if (r->domain == NULL)
        return -1;
    if (strcmp(r->domain, REF_DEFAULT_DOMAIN) == 0 && strchr(rest, '/') == NULL) {
        if (asprintf(&r->path, "library/%s", rest) < 0)
            r->path = NULL;
    } else {
        r->path = strdup(rest);
    }
    return r->path == NULL ? -1 : 0;
}

static int check_path(const char *ref, const char *path, keel_err *err)
{
    if (has_upper(path, strlen(path)))
        return keel_error(err, 0, "invalid reference \"%s\": repository name must be lowercase",
                          ref);
    for (const char *c = path;;) {
        size_t n = strcspn(c, "/");
        if (!path_component_ok(c, n))
            return keel_error(err, 0,
                              "invalid reference \"%s\": bad repository path component \"%.*s\"",
                              ref, (int)n, c);
        if (c[n] == '\0')
            return 0;
        c += n + 1;
    }
}

static int parse_into(const char *s, struct image_ref *r, keel_err *err)
{
    if (*s == '\0')
        return keel_error(err, 0, "invalid reference: empty");
    cleanup_free char *name = strdup(s);
    if (name == NULL)
        return keel_syserror(err, "parse reference \"%s\"", s);

    char *at = strchr(name, '@');
    if (at != NULL) {
        *at = '\0';
        if (digest_validate(at + 1, err) < 0)
            return keel_error_wrap(err, "invalid reference \"%s\"", s);
        if ((r->digest = strdup(at + 1)) == NULL)
            return keel_syserror(err, "parse reference \"%s\"", s);
    }
    char *colon = strrchr(name, ':');
    if (colon != NULL && strchr(colon, '/') == NULL) {
        *colon = '\0';
        if (!tag_ok(colon + 1))
            return keel_error(err, 0, "invalid reference \"%s\": bad tag \"%s\"", s, colon + 1);
        if ((r->tag = strdup(colon + 1)) == NULL)
            return keel_syserror(err, "parse reference \"%s\"", s);
    }
    if (*name == '\0')
        return keel_error(err, 0, "invalid reference \"%s\": missing repository name", s);
    if (strlen(name) > NAME_MAX_LEN)
        return keel_error(err, 0, "invalid reference \"%s\": repository name longer than %d",
                          s, NAME_MAX_LEN);
    if (strlen(name) == 64 && strspn(name, "0123456789abcdef") == 64)
        return keel_error(err, 0,
                          "invalid reference \"%s\": a 64-digit hex string is an image ID, "
                          "not a repository name", s);
    if (split_domain(name, r) < 0)
        return keel_syserror(err, "parse reference \"%s\"", s);
    if (!domain_ok(r->domain))
        return keel_error(err, 0, "invalid reference \"%s\": bad registry host \"%s\"", s,
                          r->domain);
    if (check_path(s, r->path, err) < 0)
        return -1;
    if (r->tag == NULL && r->digest == NULL && (r->tag = strdup(REF_DEFAULT_TAG)) == NULL)
        return keel_syserror(err, "parse reference \"%s\"", s);
    return 0;
}

int ref_parse(const char *s, struct image_ref *out, keel_err *err)
{
    memset(out, 0, sizeof *out);
    if (parse_into(s, out, err) < 0) {
        ref_release(out);
        return -1;
    }
    return 0;
}

char *ref_string(const struct image_ref *r)
{
    char *s = NULL;
    if (asprintf(&s, "%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "", r->tag ? r->tag : "",
                 r->digest ? "@" : "", r->digest ? r->digest : "") < 0)
        return NULL;
    return s;
}

char *ref_repository(const struct image_ref *r)
{
    char *s = NULL;
    if (asprintf(&s, "%s/%s", r->domain, r->path) < 0)
        return NULL;
    return s;
}

const char *ref_registry_host(const struct image_ref *r)
{
    if (strcmp(r->domain, REF_DEFAULT_DOMAIN) == 0)
        return "registry-1.docker.io";
    return r->domain;
}

bool ref_is_loopback(const struct image_ref *r)
{
    const char *d = r->domain;
    size_t n;
    if (d[0] == '[') {
        n = strcspn(d, "]") + 1;
        return strncmp(d, "[::1]", n) == 0 && n == 5;
    }
    n = strcspn(d, ":");
    if (n == 9 && strncmp(d, "localhost", 9) == 0)
        return true;
    unsigned a, b, c, e;
    char tail;
    return strncmp(d, "127.", 4) == 0 &&
           sscanf(d, "%u.%u.%u.%u%c", &a, &b, &c, &e, &tail) >= 4 && b < 256 && c < 256 &&
           e < 256 && (d[n] == '\0' || d[n] == ':');
}

char *ref_normalize(const char *s, keel_err *err)
{
    struct image_ref r;
    if (ref_parse(s, &r, err) < 0)
        return NULL;
    char *out = ref_string(&r);
    ref_release(&r);
    if (out == NULL)
        keel_syserror(err, "normalize reference \"%s\"", s);
    return out;
}
