/* docker's shell lexer for Dockerfile words (its shell_parser), in C: quotes,
 * the escape character and ${...} forms, with no command substitution. */
#include "substitute.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "keel/cleanup.h"

enum mode { MODE_WORD, MODE_WORDS, MODE_HEREDOC };

struct sbuf {
    char *p;
    size_t len, cap;
};

struct lexer {
    const struct subst *s;
    enum mode mode;
    const char *p;
    struct sbuf cur;
    bool have; /* cur is a word even if empty ("" was seen) */
    char **words;
    size_t nwords;
    keel_err *err;
};

static int sbuf_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static int add_char(struct lexer *lx, char c)
{
    lx->have = true;
    return sbuf_add(&lx->cur, &c, 1) < 0 ? keel_syserror(lx->err, "substitution") : 0;
}

static int flush_word(struct lexer *lx)
{
    if (!lx->have)
        return 0;
    char **v = realloc(lx->words, (lx->nwords + 2) * sizeof *v);
    if (v == NULL)
        return keel_syserror(lx->err, "substitution");
    lx->words = v;
    v[lx->nwords] = lx->cur.p != NULL ? lx->cur.p : strdup("");
    if (v[lx->nwords] == NULL)
        return keel_syserror(lx->err, "substitution");
    v[++lx->nwords] = NULL;
    lx->cur = (struct sbuf){0};
    lx->have = false;
    return 0;
}

/* An expansion's value: in words mode, unquoted, it splits at whitespace. */
static int add_value(struct lexer *lx, const char *v, bool quoted)
{
    if (lx->mode != MODE_WORDS || quoted) {
        lx->have = true;
        if (sbuf_add(&lx->cur, v, strlen(v)) < 0)
            return keel_syserror(lx->err, "substitution");
        return 0;
    }
    for (; *v != '\0'; v++) {
        if (isspace((unsigned char)*v)) {
            if (flush_word(lx) < 0)
                return -1;
        } else if (add_char(lx, *v) < 0) {
            return -1;
        }
    }
    return 0;
}

static bool name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* The end of a ${...} body: the '}' that balances it. */
static const char *brace_end(const char *p)
{
    int depth = 1;
    for (; *p != '\0'; p++) {
        if (*p == '{')
            depth++;
        else if (*p == '}' && --depth == 0)
            return p;
    }
    return NULL;
}

/* ${NAME[op word]}; lx->p is just after "${". */
static int expand_braced(struct lexer *lx, bool quoted)
{
    const char *start = lx->p;
    const char *end = brace_end(start);
    if (end == NULL)
        return keel_error(lx->err, 0, "missing '}' in %s", start - 2);
    const char *n = start;
    while (n < end && name_char(*n))
        n++;
    if (n == start)
        return keel_error(lx->err, 0, "bad substitution: ${%.*s}", (int)(end - start), start);
    cleanup_free char *name = strndup(start, (size_t)(n - start));
    if (name == NULL)
        return keel_syserror(lx->err, "substitution");
    const char *val = lx->s->lookup(lx->s->ctx, name);
    lx->p = end + 1;
    if (n == end)
        return add_value(lx, val != NULL ? val : "", quoted);
    bool colon = *n == ':';
    char op = n[colon];
    if (op != '-' && op != '+' && op != '?')
        return keel_error(lx->err, 0, "unsupported modifier (%c) in substitution: ${%.*s}", op,
                          (int)(end - start), start);
    cleanup_free char *wraw = strndup(n + colon + 1, (size_t)(end - (n + colon + 1)));
    cleanup_free char *word = NULL;
    if (wraw == NULL || subst_word(lx->s, wraw, &word, lx->err) < 0)
        return wraw == NULL ? keel_syserror(lx->err, "substitution") : -1;
    bool set = val != NULL && (!colon || val[0] != '\0');
    if (op == '-')
        return add_value(lx, set ? val : word, quoted);
    if (op == '+')
        return add_value(lx, set ? word : "", quoted);
    if (!set)
        return keel_error(lx->err, 0, "%s: %s", name, word[0] != '\0' ? word : "is not allowed to be unset");
    return add_value(lx, val, quoted);
}

/* lx->p is at '$'. */
static int expand(struct lexer *lx, bool quoted)
{
    lx->p++;
    if (*lx->p == '{') {
        lx->p++;
        return expand_braced(lx, quoted);
    }
    const char *n = lx->p;
    while (name_char(*lx->p))
        lx->p++;
    if (lx->p == n)
        return add_char(lx, '$');
    cleanup_free char *name = strndup(n, (size_t)(lx->p - n));
    if (name == NULL)
        return keel_syserror(lx->err, "substitution");
    const char *val = lx->s->lookup(lx->s->ctx, name);
    return add_value(lx, val != NULL ? val : "", quoted);
}

static int single_quoted(struct lexer *lx)
{
    lx->have = true;
    for (lx->p++; *lx->p != '\''; lx->p++) {
        if (*lx->p == '\0')
            return keel_error(lx->err, 0, "unexpected end of statement while looking for matching single-quote");
        if (add_char(lx, *lx->p) < 0)
            return -1;
    }
    lx->p++;
    return 0;
}

static int double_quoted(struct lexer *lx)
{
    char esc = lx->s->escape;
    lx->have = true;
    for (lx->p++; *lx->p != '"';) {
        char c = *lx->p;
        if (c == '\0')
            return keel_error(lx->err, 0, "unexpected end of statement while looking for matching double-quote");
        if (c == '$') {
            if (expand(lx, true) < 0)
                return -1;
            continue;
        }
        if (c == esc && (lx->p[1] == '"' || lx->p[1] == '$' || lx->p[1] == esc)) {
            if (add_char(lx, lx->p[1]) < 0)
                return -1;
            lx->p += 2;
            continue;
        }
        if (add_char(lx, c) < 0)
            return -1;
        lx->p++;
    }
    lx->p++;
    return 0;
}

static int lex_one(struct lexer *lx)
{
    char c = *lx->p, esc = lx->s->escape;
    if (lx->mode == MODE_HEREDOC) {
        if (c == esc && lx->p[1] == '$') {
            lx->p += 2;
            return add_char(lx, '$');
        }
        if (c == '$')
            return expand(lx, true);
        lx->p++;
        return add_char(lx, c);
    }
    if (c == '\'')
        return single_quoted(lx);
    if (c == '"')
        return double_quoted(lx);
    if (c == '$')
        return expand(lx, false);
    if (c == esc) {
        lx->p++;
        if (*lx->p == '\0')
            return 0;
        return add_char(lx, *lx->p++);
    }
    lx->p++;
    if (lx->mode == MODE_WORDS && isspace((unsigned char)c))
        return flush_word(lx);
    return add_char(lx, c);
}

static void lexer_free(struct lexer *lx)
{
    free(lx->cur.p);
    for (size_t i = 0; i < lx->nwords; i++)
        free(lx->words[i]);
    free(lx->words);
}

static int run(const struct subst *s, enum mode mode, const char *in, struct lexer *lx,
               keel_err *err)
{
    *lx = (struct lexer){.s = s, .mode = mode, .p = in, .err = err};
    while (*lx->p != '\0')
        if (lex_one(lx) < 0)
            return -1;
    return 0;
}

static int one_string(const struct subst *s, enum mode mode, const char *in, char **out,
                      keel_err *err)
{
    struct lexer lx;
    if (run(s, mode, in, &lx, err) < 0) {
        lexer_free(&lx);
        return -1;
    }
    *out = lx.cur.p != NULL ? lx.cur.p : strdup("");
    lx.cur.p = NULL;
    lexer_free(&lx);
    return *out != NULL ? 0 : keel_syserror(err, "substitution");
}

int subst_word(const struct subst *s, const char *in, char **out, keel_err *err)
{
    return one_string(s, MODE_WORD, in, out, err);
}

int subst_heredoc(const struct subst *s, const char *in, char **out, keel_err *err)
{
    return one_string(s, MODE_HEREDOC, in, out, err);
}

int subst_words(const struct subst *s, const char *in, char ***out, size_t *n, keel_err *err)
{
    struct lexer lx;
    if (run(s, MODE_WORDS, in, &lx, err) < 0 || flush_word(&lx) < 0) {
        lexer_free(&lx);
        return -1;
    }
    if (lx.words == NULL && (lx.words = calloc(1, sizeof *lx.words)) == NULL)
        return keel_syserror(err, "substitution");
    *out = lx.words;
    *n = lx.nwords;
    lx.words = NULL;
    lx.nwords = 0;
    lexer_free(&lx);
    return 0;
}

int split_raw_words(const char *in, char escape, char ***out, size_t *n, keel_err *err)
{
    char **v = calloc(1, sizeof *v);
    size_t count = 0;
    if (v == NULL)
        return keel_syserror(err, "split words");
    const char *p = in;
    while (*p != '\0') {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        const char *start = p;
        char quote = 0;
        for (; *p != '\0' && (quote != 0 || !isspace((unsigned char)*p)); p++) {
            if (*p == escape && quote != '\'' && p[1] != '\0')
                p++;
            else if (quote == 0 && (*p == '"' || *p == '\''))
                quote = *p;
            else if (*p == quote)
                quote = 0;
        }
        char **nv = realloc(v, (count + 2) * sizeof *nv);
        if (nv == NULL) {
            keel_strvfreep(&v);
            return keel_syserror(err, "split words");
        }
        v = nv;
        if ((v[count] = strndup(start, (size_t)(p - start))) == NULL) {
            keel_strvfreep(&v);
            return keel_syserror(err, "split words");
        }
        v[++count] = NULL;
    }
    *out = v;
    *n = count;
    return 0;
}
