/* Detach keys (detach_keys.h). */
#include "detach_keys.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "keel/cleanup.h"

static int key_byte(const char *key, size_t len, unsigned char *out)
{
    if (len == 1) {
        *out = (unsigned char)key[0];
        return 0;
    }
    if (len != 6 || strncasecmp(key, "ctrl-", 5) != 0)
        return -1;
    char c = (char)tolower((unsigned char)key[5]);
    static const char specials[] = "@[\\]^_";
    const char *sp = strchr(specials, c);
    if (c >= 'a' && c <= 'z')
        *out = (unsigned char)(c - 'a' + 1);
    else if (sp != NULL && c != '\0')
        *out = (unsigned char)(sp == specials ? 0 : 27 + (sp - specials) - 1);
    else
        return -1;
    return 0;
}

int detach_keys_parse(const char *s, struct detach_keys *k, keel_err *err)
{
    *k = (struct detach_keys){0};
    if (*s == '\0')
        return 0;
    for (const char *p = s;; p++) {
        const char *end = strchrnul(p, ',');
        if (k->len == DETACH_KEYS_MAX)
            return keel_error(err, EINVAL, "invalid detach keys (%s): more than %d keys", s,
                              DETACH_KEYS_MAX);
        if (key_byte(p, (size_t)(end - p), &k->seq[k->len]) < 0)
            return keel_error(err, EINVAL, "invalid detach keys (%s): unknown key '%.*s'", s,
                              (int)(end - p), p);
        k->len++;
        if (*end == '\0')
            return 0;
        p = end;
    }
}

bool detach_keys_feed(struct detach_keys *k, const unsigned char *in, size_t n,
                      unsigned char *out, size_t *out_len)
{
    *out_len = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = in[i];
        if (k->len == 0) {
            out[(*out_len)++] = b;
            continue;
        }
        if (b != k->seq[k->matched] && k->matched > 0) {
            /* a partial match that was not one: its bytes were input */
            memcpy(out + *out_len, k->seq, k->matched);
            *out_len += k->matched;
            k->matched = 0;
        }
        if (b == k->seq[k->matched]) {
            if (++k->matched == k->len) {
                k->matched = 0;
                return true;
            }
        } else {
            out[(*out_len)++] = b;
        }
    }
    return false;
}
