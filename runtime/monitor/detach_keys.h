/* docker's detach keys ("ctrl-p,ctrl-q", "a", "ctrl-a,x"): parsed into bytes,
 * and matched in the input of an attach client, which holds back a partial
 * match until the next byte decides. */
#ifndef KEEL_MONITOR_DETACH_KEYS_H
#define KEEL_MONITOR_DETACH_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/error.h"

#define DETACH_KEYS_DEFAULT "ctrl-p,ctrl-q"
#define DETACH_KEYS_MAX 16

struct detach_keys {
    unsigned char seq[DETACH_KEYS_MAX];
    size_t len;     /* 0: no detaching */
    size_t matched; /* how much of seq the input ended with */
};

int detach_keys_parse(const char *s, struct detach_keys *k, keel_err *err);

/* Feeds input: what goes on to the container is written to out (room for
 * n + DETACH_KEYS_MAX bytes), *out_len its length. True when the sequence
 * is complete (out holds what came before it; the rest is dropped). */
bool detach_keys_feed(struct detach_keys *k, const unsigned char *in, size_t n,
                      unsigned char *out, size_t *out_len);

#endif
