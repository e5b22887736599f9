/* The Dockerfile parser: directives, comments, continuations, heredocs, flags,
 * exec or shell form. Variables are left as written (see substitute.c). */
#include "dockerfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_strings.h"
#include "keel/cleanup.h"

static const char *const keywords[] = {
    "from", "run", "cmd", "label", "maintainer", "expose", "env", "add", "copy",
    "entrypoint", "volume", "user", "workdir", "arg", "onbuild", "stopsignal",
    "healthcheck", "shell", NULL,
};

/* Instructions whose rest may be a JSON array. */
static const char *const json_keywords[] = {
    "run", "cmd", "entrypoint", "shell", "copy", "add", "volume", NULL,
};

struct lines {
    char **v;
    size_t n;
};

struct parser {
    const char *name;
    struct lines lines;
    size_t i; /* next line */
    char escape;
    struct dockerfile *df;
};

static bool in_list(const char *const *list, const char *s)
{
    for (; *list != NULL; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int lines_split(const char *text, size_t len, struct lines *out)
{
    out->v = NULL;
    out->n = 0;
    size_t cap = 0;
    for (size_t start = 0; start < len;) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        size_t l = end - start;
        if (l > 0 && text[start + l - 1] == '\r')
            l--;
        if (out->n == cap) {
            cap = cap ? 2 * cap : 64;
            char **v = realloc(out->v, cap * sizeof *v);
            if (v == NULL)
                return -1;
            out->v = v;
        }
        if ((out->v[out->n] = strndup(text + start, l)) == NULL)
            return -1;
        out->n++;
        start = end + 1;
    }
    return 0;
}

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static bool is_blank(const char *s)
{
    return *skip_space(s) == '\0';
}

static bool is_comment(const char *s)
{
    return *skip_space(s) == '#';
}

static char *trim_dup(const char *s, size_t len)
{
    while (len > 0 && isspace((unsigned char)*s))
        s++, len--;
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    return strndup(s, len);
}

/* "# key=value" at the top of the file. */
static int directives(struct parser *p, keel_err *err)
{
    bool seen_escape = false, seen_syntax = false;
    for (; p->i < p->lines.n; p->i++) {
        const char *s = skip_space(p->lines.v[p->i]);
        if (*s != '#')
            return 0;
        s = skip_space(s + 1);
        const char *k = s;
        while (isalpha((unsigned char)*s))
            s++;
        size_t klen = (size_t)(s - k);
        s = skip_space(s);
        if (klen == 0 || *s != '=')
            return 0; /* an ordinary comment ends the directives */
        cleanup_free char *value = trim_dup(s + 1, strlen(s + 1));
        if (value == NULL)
            return keel_syserror(err, "%s", p->name);
        if (klen == 6 && strncasecmp(k, "escape", 6) == 0) {
            if (seen_escape)
                return keel_error(err, 0, "%s:%zu: only one escape parser directive can be used",
                                  p->name, p->i + 1);
            if (strcmp(value, "\\") != 0 && strcmp(value, "`") != 0)
                return keel_error(err, 0, "%s:%zu: invalid escape token '%s' does not match ` or \\",
                                  p->name, p->i + 1, value);
            p->escape = value[0];
            seen_escape = true;
        } else if (klen == 6 && strncasecmp(k, "syntax", 6) == 0) {
            if (seen_syntax)
                return keel_error(err, 0, "%s:%zu: only one syntax parser directive can be used",
                                  p->name, p->i + 1);
            free(p->df->syntax);
            p->df->syntax = steal_ptr(value);
            seen_syntax = true;
        } else if (!(klen == 5 && strncasecmp(k, "check", 5) == 0)) {
            return 0; /* an unknown directive is a comment, and ends them */
        }
    }
    return 0;
}

/* A line ending in the escape character (then blanks) continues. Strips it
 * and returns true. */
static bool strip_continuation(char *s, char escape)
{
    size_t l = strlen(s);
    while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t'))
        l--;
    if (l == 0 || s[l - 1] != escape)
        return false;
    /* an escaped escape character does not continue */
    if (l >= 2 && s[l - 2] == escape && escape == '\\')
        return false;
    s[l - 1] = '\0';
    return true;
}

static int append(char **buf, const char *s)
{
    size_t a = strlen(*buf), b = strlen(s);
    char *n = realloc(*buf, a + b + 1);
    if (n == NULL)
        return -1;
    memcpy(n + a, s, b + 1);
    *buf = n;
    return 0;
}

/* Joins the instruction starting at line p->i with its continuation lines. */
static char *logical_line(struct parser *p)
{
    char *buf = strdup(p->lines.v[p->i++]);
    if (buf == NULL)
        return NULL;
    while (strip_continuation(buf, p->escape)) {
        while (p->i < p->lines.n &&
               (is_comment(p->lines.v[p->i]) || is_blank(p->lines.v[p->i])))
            p->i++;
        if (p->i >= p->lines.n)
            break;
        if (append(&buf, p->lines.v[p->i++]) < 0) {
            free(buf);
            return NULL;
        }
    }
    return buf;
}

static int add_str(char ***v, size_t *n, const char *s, size_t len)
{
    char *copy = strndup(s, len);
    char **nv = copy != NULL ? realloc(*v, (*n + 2) * sizeof *nv) : NULL;
    if (nv == NULL) {
        free(copy);
        return -1;
    }
    nv[(*n)++] = copy;
    nv[*n] = NULL;
    *v = nv;
    return 0;
}

/* Leading --flag words. */
static int split_flags(struct df_instr *in, const char **rest)
{
    const char *s = *rest;
    while (s[0] == '-' && s[1] == '-') {
        const char *e = s;
        while (*e != '\0' && !isspace((unsigned char)*e))
            e++;
        if (add_str(&in->flags, &in->flags_len, s + 2, (size_t)(e - s - 2)) < 0)
            return -1;
        s = skip_space(e);
    }
    *rest = s;
    return 0;
}

/* `<<[-]["']WORD["']` markers in rest, outside quotes. */
static int find_heredocs(struct parser *p, struct df_instr *in, int line, keel_err *err)
{
    char quote = 0;
    for (const char *s = in->rest; *s != '\0'; s++) {
        if (quote != 0) {
            if (*s == quote)
                quote = 0;
            continue;
        }
        if (*s == '\'' || *s == '"') {
            quote = *s;
            continue;
        }
        if (s[0] != '<' || s[1] != '<' || s[2] == '<')
            continue;
        const char *w = s + 2;
        bool strip_tabs = *w == '-';
        if (strip_tabs)
            w++;
        char q = (*w == '"' || *w == '\'') ? *w : 0;
        if (q != 0)
            w++;
        const char *e = w;
        while (isalnum((unsigned char)*e) || *e == '_')
            e++;
        if (e == w || (q != 0 && *e != q))
            continue;
        struct df_heredoc *v = realloc(in->heredocs, (in->heredocs_len + 1) * sizeof *v);
        if (v == NULL)
            return keel_syserror(err, "%s", p->name);
        in->heredocs = v;
        struct df_heredoc *h = &v[in->heredocs_len++];
        *h = (struct df_heredoc){.name = strndup(w, (size_t)(e - w)), .content = strdup(""),
                                 .expand = q == 0};
        if (h->name == NULL || h->content == NULL)
            return keel_syserror(err, "%s", p->name);
        for (;;) {
            if (p->i >= p->lines.n)
                return keel_error(err, 0, "%s:%d: unterminated heredoc %s", p->name, line,
                                  h->name);
            const char *l = p->lines.v[p->i++];
            if (strip_tabs)
                while (*l == '\t')
                    l++;
            if (strcmp(l, h->name) == 0)
                break;
            if (append(&h->content, l) < 0 || append(&h->content, "\n") < 0)
                return keel_syserror(err, "%s", p->name);
        }
        s = e - 1 + (q != 0);
    }
    return 0;
}

static int check_arity(struct parser *p, const struct df_instr *in, keel_err *err)
{
    const char *k = in->keyword;
    size_t words = 0;
    if (in->json) {
        words = in->args_len;
    } else {
        for (const char *s = in->rest; *s != '\0';) {
            s = skip_space(s);
            if (*s == '\0')
                break;
            words++;
            while (*s != '\0' && *s != ' ' && *s != '\t')
                s++;
        }
    }
    words += in->heredocs_len > 0 && (strcmp(k, "copy") == 0 || strcmp(k, "add") == 0);
    bool two = strcmp(k, "copy") == 0 || strcmp(k, "add") == 0;
    size_t min = two ? 2 : strcmp(k, "cmd") == 0 || strcmp(k, "entrypoint") == 0 ? 0 : 1;
    if (in->json && strcmp(k, "shell") == 0 && words == 0)
        min = 1;
    if (!in->json && in->rest[0] == '\0' && strcmp(k, "cmd") != 0 &&
        strcmp(k, "entrypoint") != 0)
        min = 1, words = 0;
    if (words < min) {
        char up[16];
        size_t i = 0;
        for (; k[i] != '\0' && i < sizeof up - 1; i++)
            up[i] = (char)toupper((unsigned char)k[i]);
        up[i] = '\0';
        return keel_error(err, 0, "%s:%d: %s requires at least %s", p->name, in->line, up,
                          min == 2 ? "two arguments" : "one argument");
    }
    if (strcmp(k, "shell") == 0 && !in->json)
        return keel_error(err, 0, "%s:%d: SHELL requires the arguments to be in JSON form",
                          p->name, in->line);
    return 0;
}

static int parse_instr(struct parser *p, const char *text, int line, bool sub,
                       struct df_instr *in, keel_err *err);

static int parse_onbuild(struct parser *p, struct df_instr *in, keel_err *err)
{
    in->sub = calloc(1, sizeof *in->sub);
    if (in->sub == NULL)
        return keel_syserror(err, "%s", p->name);
    if (parse_instr(p, in->rest, in->line, true, in->sub, err) < 0)
        return -1;
    const char *k = in->sub->keyword;
    if (strcmp(k, "onbuild") == 0 || strcmp(k, "from") == 0 || strcmp(k, "maintainer") == 0)
        return keel_error(err, 0, "%s:%d: %s isn't allowed as an ONBUILD trigger", p->name,
                          in->line, k);
    return 0;
}

static int parse_instr(struct parser *p, const char *text, int line, bool sub,
                       struct df_instr *in, keel_err *err)
{
    in->line = line;
    const char *s = skip_space(text);
    const char *e = s;
    while (*e != '\0' && !isspace((unsigned char)*e))
        e++;
    if ((in->keyword = strndup(s, (size_t)(e - s))) == NULL ||
        (in->original = trim_dup(s, strlen(s))) == NULL)
        return keel_syserror(err, "%s", p->name);
    for (char *k = in->keyword; *k != '\0'; k++)
        *k = (char)tolower((unsigned char)*k);
    if (!in_list(keywords, in->keyword))
        return keel_error(err, 0, "%s:%d: unknown instruction: %.*s", p->name, line,
                          (int)(e - s), s);
    const char *rest = skip_space(e);
    if (split_flags(in, &rest) < 0 || (in->rest = trim_dup(rest, strlen(rest))) == NULL)
        return keel_syserror(err, "%s", p->name);
    if (in_list(json_keywords, in->keyword) &&
        json_strings_parse(in->rest, &in->args, &in->args_len) == 0)
        in->json = true;
    if (!sub && (strcmp(in->keyword, "run") == 0 || strcmp(in->keyword, "copy") == 0 ||
                 strcmp(in->keyword, "add") == 0) && !in->json &&
        find_heredocs(p, in, line, err) < 0)
        return -1;
    if (check_arity(p, in, err) < 0)
        return -1;
    if (strcmp(in->keyword, "onbuild") == 0)
        return parse_onbuild(p, in, err);
    return 0;
}

void df_instr_release(struct df_instr *in)
{
    free(in->keyword);
    free(in->original);
    free(in->rest);
    for (size_t i = 0; i < in->flags_len; i++)
        free(in->flags[i]);
    free(in->flags);
    for (size_t i = 0; i < in->args_len; i++)
        free(in->args[i]);
    free(in->args);
    for (size_t i = 0; i < in->heredocs_len; i++) {
        free(in->heredocs[i].name);
        free(in->heredocs[i].content);
    }
    free(in->heredocs);
    if (in->sub != NULL) {
        df_instr_release(in->sub);
        free(in->sub);
    }
    memset(in, 0, sizeof *in);
}

void dockerfile_release(struct dockerfile *df)
{
    for (size_t i = 0; i < df->n; i++)
        df_instr_release(&df->v[i]);
    free(df->v);
    free(df->syntax);
    memset(df, 0, sizeof *df);
}

static int parse_all(struct parser *p, keel_err *err)
{
    if (directives(p, err) < 0)
        return -1;
    p->df->escape = p->escape;
    size_t cap = 0;
    while (p->i < p->lines.n) {
        const char *l = p->lines.v[p->i];
        if (is_blank(l) || is_comment(l)) {
            p->i++;
            continue;
        }
        int line = (int)p->i + 1;
        cleanup_free char *text = logical_line(p);
        if (text == NULL)
            return keel_syserror(err, "%s", p->name);
        if (p->df->n == cap) {
            cap = cap ? 2 * cap : 16;
            struct df_instr *v = realloc(p->df->v, cap * sizeof *v);
            if (v == NULL)
                return keel_syserror(err, "%s", p->name);
            p->df->v = v;
        }
        struct df_instr *in = &p->df->v[p->df->n++];
        memset(in, 0, sizeof *in);
        if (parse_instr(p, text, line, false, in, err) < 0)
            return -1;
    }
    if (p->df->n == 0)
        return keel_error(err, 0, "%s: the Dockerfile (%s) cannot be empty", p->name, p->name);
    return 0;
}

int dockerfile_parse(const char *text, size_t len, const char *name, struct dockerfile *out,
                     keel_err *err)
{
    memset(out, 0, sizeof *out);
    struct parser p = {.name = name, .escape = '\\', .df = out};
    if (lines_split(text, len, &p.lines) < 0) {
        lines_free(&p.lines);
        return keel_syserror(err, "%s", name);
    }
    int rc = parse_all(&p, err);
    lines_free(&p.lines);
    if (rc < 0)
        dockerfile_release(out);
    return rc;
}

const char *df_flag(const struct df_instr *in, const char *name)
{
    size_t l = strlen(name);
    for (size_t i = 0; i < in->flags_len; i++) {
        const char *f = in->flags[i];
        if (strncmp(f, name, l) == 0 && (f[l] == '=' || f[l] == '\0'))
            return f[l] == '=' ? f + l + 1 : "";
    }
    return NULL;
}

int df_flags_check(const struct df_instr *in, const char *const *allowed, const char *file,
                   keel_err *err)
{
    for (size_t i = 0; i < in->flags_len; i++) {
        size_t l = strcspn(in->flags[i], "=");
        bool ok = false;
        for (const char *const *a = allowed; *a != NULL && !ok; a++)
            ok = strlen(*a) == l && strncmp(*a, in->flags[i], l) == 0;
        if (!ok)
            return keel_error(err, 0, "%s:%d: unknown flag: %.*s", file, in->line, (int)l,
                              in->flags[i]);
    }
    return 0;
}
