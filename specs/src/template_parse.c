/* Go text/template's syntax (the subset docker users write): text and
 * {{actions}} with {{- -}} trimming and comments; pipelines of commands
 * with fields, variables, constants, functions and parentheses; if / else
 * if / else, range (with $i, $e :=), with, end. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template_internal.h"

struct parser {
    const char *src, *p; /* the whole source and the read position */
    const char *end;     /* the end of the current action's content */
    const char *after;   /* the source after the current action */
    bool trim_next;      /* the last action ended with -}} */
    int line;
    keel_err *err;
    bool failed;
};

static int fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *ps, const char *fmt, ...)
{
    if (!ps->failed) {
        char what[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        keel_error(ps->err, 0, "template: :%d: %s", ps->line, what);
        ps->failed = true;
    }
    return -1;
}

static void *alloc(struct parser *ps, size_t n)
{
    void *p = calloc(1, n);
    if (p == NULL && !ps->failed) {
        keel_error(ps->err, errno, "template");
        ps->failed = true;
    }
    return p;
}

static char *copy(struct parser *ps, const char *s, size_t n)
{
    char *c = alloc(ps, n + 1);
    if (c != NULL)
        memcpy(c, s, n);
    return c;
}

static void count_lines(struct parser *ps, const char *from, const char *to)
{
    for (; from < to; from++)
        ps->line += *from == '\n';
}

/* ---- freeing ---- */

static void pipe_free(struct tpipe *p);

static void args_free(struct targ *a)
{
    while (a != NULL) {
        struct targ *next = a->next;
        free(a->str);
        for (size_t i = 0; i < a->nfields; i++)
            free(a->fields[i]);
        free(a->fields);
        pipe_free(a->pipe);
        free(a);
        a = next;
    }
}

static void pipe_free(struct tpipe *p)
{
    if (p == NULL)
        return;
    for (struct tcmd *c = p->cmds, *next; c != NULL; c = next) {
        next = c->next;
        args_free(c->args);
        free(c);
    }
    free(p->vars[0]);
    free(p->vars[1]);
    free(p);
}

void template_nodes_free(struct tnode *n)
{
    while (n != NULL) {
        struct tnode *next = n->next;
        free(n->text);
        pipe_free(n->pipe);
        template_nodes_free(n->list);
        template_nodes_free(n->else_list);
        free(n);
        n = next;
    }
}

void keel_template_free(struct keel_template *t)
{
    if (t == NULL)
        return;
    template_nodes_free(t->root);
    free(t);
}

/* ---- inside an action ---- */

static void skip_space(struct parser *ps)
{
    while (ps->p < ps->end && isspace((unsigned char)*ps->p)) {
        ps->line += *ps->p == '\n';
        ps->p++;
    }
}

static bool at_end(struct parser *ps)
{
    skip_space(ps);
    return ps->p >= ps->end;
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* The word at p (letters, digits, _), its length. */
static size_t word_len(const char *p, const char *end)
{
    size_t n = 0;
    while (p + n < end && ident_char(p[n]))
        n++;
    return n;
}

static bool keyword(struct parser *ps, const char *kw)
{
    skip_space(ps);
    size_t n = strlen(kw);
    if ((size_t)(ps->end - ps->p) < n || strncmp(ps->p, kw, n) != 0 ||
        (ps->p + n < ps->end && ident_char(ps->p[n])))
        return false;
    ps->p += n;
    return true;
}

/* .A.B.C after an operand. */
static int parse_fields(struct parser *ps, struct targ *a)
{
    while (ps->p < ps->end && *ps->p == '.' && ps->p + 1 < ps->end && ident_char(ps->p[1])) {
        ps->p++;
        size_t n = word_len(ps->p, ps->end);
        char **f = realloc(a->fields, (a->nfields + 1) * sizeof *f);
        if (f == NULL)
            return fail(ps, "%s", "out of memory");
        a->fields = f;
        if ((f[a->nfields] = copy(ps, ps->p, n)) == NULL)
            return -1;
        a->nfields++;
        ps->p += n;
    }
    return 0;
}

static int parse_string(struct parser *ps, struct targ *a)
{
    char q = *ps->p++;
    char *out = alloc(ps, (size_t)(ps->end - ps->p) + 1);
    if (out == NULL)
        return -1;
    size_t n = 0;
    while (ps->p < ps->end && *ps->p != q) {
        char c = *ps->p++;
        if (q == '"' && c == '\\' && ps->p < ps->end) {
            c = *ps->p++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '\\': case '"': case '\'': break;
            default:
                free(out);
                return fail(ps, "unknown escape sequence: \\%c", c);
            }
        } else if (q == '"' && c == '\n') {
            free(out);
            return fail(ps, "%s", "unterminated quoted string");
        }
        out[n++] = c;
    }
    if (ps->p >= ps->end) {
        free(out);
        return fail(ps, "%s", q == '"' ? "unterminated quoted string" : "unterminated raw quoted string");
    }
    ps->p++;
    a->kind = A_STRING;
    a->str = out;
    a->str_len = n;
    return 0;
}

static struct tpipe *parse_pipeline(struct parser *ps, bool in_parens);

static struct targ *parse_operand(struct parser *ps)
{
    skip_space(ps);
    struct targ *a = alloc(ps, sizeof *a);
    if (a == NULL)
        return NULL;
    const char *p = ps->p;
    int rc = 0;
    if (*p == '"' || *p == '`') {
        rc = parse_string(ps, a);
    } else if (*p == '(') {
        ps->p++;
        a->kind = A_PIPE;
        a->pipe = parse_pipeline(ps, true);
        rc = a->pipe == NULL ? -1 : parse_fields(ps, a);
    } else if (*p == '.' && (p + 1 >= ps->end || !ident_char(p[1]))) {
        ps->p++;
        a->kind = A_DOT;
    } else if (*p == '.') {
        a->kind = A_FIELD;
        rc = parse_fields(ps, a);
    } else if (*p == '$') {
        size_t n = 1 + word_len(p + 1, ps->end);
        a->kind = A_VAR;
        a->str = copy(ps, p, n);
        ps->p += n;
        rc = a->str == NULL ? -1 : parse_fields(ps, a);
    } else if (isdigit((unsigned char)*p) || ((*p == '-' || *p == '+') && p + 1 < ps->end &&
                                               isdigit((unsigned char)p[1]))) {
        size_t n = 1;
        while (p + n < ps->end && (isalnum((unsigned char)p[n]) || p[n] == '.' ||
                                   ((p[n] == '-' || p[n] == '+') && (p[n - 1] == 'e' || p[n - 1] == 'E'))))
            n++;
        a->kind = A_NUMBER;
        a->str = copy(ps, p, n);
        ps->p += n;
        char *endp;
        if (a->str != NULL && (strtod(a->str, &endp), *endp != '\0'))
            rc = fail(ps, "bad number syntax: \"%s\"", a->str);
    } else if (ident_char(*p)) {
        size_t n = word_len(p, ps->end);
        ps->p += n;
        if (n == 4 && strncmp(p, "true", 4) == 0) {
            a->kind = A_BOOL;
            a->boolean = true;
        } else if (n == 5 && strncmp(p, "false", 5) == 0) {
            a->kind = A_BOOL;
        } else if (n == 3 && strncmp(p, "nil", 3) == 0) {
            a->kind = A_NIL;
        } else {
            a->kind = A_IDENT;
            a->str = copy(ps, p, n);
            rc = a->str == NULL ? -1 : 0;
        }
    } else {
        char c[2] = {*p, 0};
        rc = fail(ps, "unexpected \"%s\" in command", c);
    }
    if (rc < 0) {
        args_free(a);
        return NULL;
    }
    return a;
}

static bool pipe_stop(struct parser *ps, bool in_parens)
{
    skip_space(ps);
    return ps->p >= ps->end || *ps->p == '|' || (in_parens && *ps->p == ')');
}

static struct tcmd *parse_command(struct parser *ps, bool in_parens)
{
    struct tcmd *c = alloc(ps, sizeof *c);
    if (c == NULL)
        return NULL;
    struct targ **tail = &c->args;
    while (!pipe_stop(ps, in_parens)) {
        if ((*tail = parse_operand(ps)) == NULL) {
            args_free(c->args);
            free(c);
            return NULL;
        }
        tail = &(*tail)->next;
    }
    if (c->args == NULL) {
        free(c);
        fail(ps, "%s", "missing value for command");
        return NULL;
    }
    return c;
}

/* $x :=, $x =, $i, $e := at the start of a pipeline. */
static int parse_decl(struct parser *ps, struct tpipe *p)
{
    skip_space(ps);
    const char *save = ps->p;
    while (ps->p < ps->end && *ps->p == '$' && p->nvars < 2) {
        size_t n = 1 + word_len(ps->p + 1, ps->end);
        const char *name = ps->p;
        ps->p += n;
        skip_space(ps);
        bool comma = ps->p < ps->end && *ps->p == ',';
        bool decl = ps->end - ps->p >= 2 && strncmp(ps->p, ":=", 2) == 0;
        bool assign = !decl && ps->p < ps->end && *ps->p == '=' && (ps->p + 1 >= ps->end || ps->p[1] != '=');
        if (!comma && !decl && !assign)
            break;
        if ((p->vars[p->nvars++] = copy(ps, name, n)) == NULL)
            return -1;
        if (comma) {
            ps->p++;
            skip_space(ps);
            continue;
        }
        ps->p += decl ? 2 : 1;
        p->decl = decl ? 1 : 2;
        return 0;
    }
    /* not a declaration: read it again as operands */
    free(p->vars[0]);
    free(p->vars[1]);
    p->vars[0] = p->vars[1] = NULL;
    p->nvars = 0;
    ps->p = save;
    return 0;
}

static struct tpipe *parse_pipeline(struct parser *ps, bool in_parens)
{
    struct tpipe *p = alloc(ps, sizeof *p);
    if (p == NULL)
        return NULL;
    p->line = ps->line;
    if (parse_decl(ps, p) < 0) {
        pipe_free(p);
        return NULL;
    }
    struct tcmd **tail = &p->cmds;
    for (;;) {
        if ((*tail = parse_command(ps, in_parens)) == NULL) {
            pipe_free(p);
            return NULL;
        }
        tail = &(*tail)->next;
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == '|') {
            ps->p++;
            continue;
        }
        break;
    }
    if (in_parens) {
        if (ps->p >= ps->end || *ps->p != ')') {
            pipe_free(p);
            fail(ps, "%s", "unclosed left paren");
            return NULL;
        }
        ps->p++;
    }
    return p;
}

/* ---- the text and its actions ---- */

/* Why parse_list stopped: at the source's end, {{end}}, {{else}} or {{else if ...}}. */
enum stop { STOP_EOF, STOP_END, STOP_ELSE, STOP_ELSE_IF };

/* The next action: its content [*start, *stop) and the source after it.
 * Sets trim_before and trim_after for {{- and -}}. Returns NULL at the end. */
static const char *next_action(struct parser *ps, const char **start, const char **stop,
                               bool *trim_before, bool *trim_after)
{
    const char *open = strstr(ps->p, "{{");
    if (open == NULL)
        return NULL;
    const char *c = open + 2;
    *trim_before = c[0] == '-' && (c[1] == ' ' || c[1] == '\t' || c[1] == '\n' || c[1] == '\r');
    if (*trim_before)
        c += 2;
    const char *close = c;
    /* a "}}" inside a quoted string does not end the action */
    char quote = 0;
    for (; *close != '\0'; close++) {
        if (quote != 0) {
            if (*close == '\\' && quote == '"' && close[1] != '\0')
                close++;
            else if (*close == quote)
                quote = 0;
        } else if (*close == '"' || *close == '`') {
            quote = *close;
        } else if (close[0] == '}' && close[1] == '}') {
            break;
        }
    }
    if (*close == '\0')
        return (const char *)-1;
    const char *e = close;
    *trim_after = e - c >= 2 && e[-1] == '-' && (e[-2] == ' ' || e[-2] == '\t' || e[-2] == '\n');
    if (*trim_after)
        e -= 2;
    *start = c;
    *stop = e;
    return open;
}

static struct tnode *new_node(struct parser *ps, enum tnode_kind k)
{
    struct tnode *n = alloc(ps, sizeof *n);
    if (n != NULL)
        n->kind = k;
    return n;
}

static struct tnode *parse_list(struct parser *ps, enum stop *why);

/* if/range/with: the pipeline, the list, an else list (else if nests an if). */
static struct tnode *parse_control(struct parser *ps, enum tnode_kind k, const char *name)
{
    struct tnode *n = new_node(ps, k);
    if (n == NULL)
        return NULL;
    if (at_end(ps)) {
        fail(ps, "missing value for %s", name);
        free(n);
        return NULL;
    }
    const char *after = ps->after;
    n->pipe = parse_pipeline(ps, false);
    if (n->pipe == NULL || !at_end(ps)) {
        fail(ps, "unexpected token in %s", name);
        template_nodes_free(n);
        return NULL;
    }
    ps->p = after;
    enum stop why;
    n->list = parse_list(ps, &why);
    if (ps->failed) {
        template_nodes_free(n);
        return NULL;
    }
    if (why == STOP_ELSE) {
        n->else_list = parse_list(ps, &why);
        if (!ps->failed && why != STOP_END)
            fail(ps, "expected end; found %s", why == STOP_EOF ? "EOF" : "else");
    } else if (why == STOP_ELSE_IF) {
        /* {{else if X}}...{{end}} is {{else}}{{if X}}...{{end}}{{end}}: one end for both */
        n->else_list = parse_control(ps, T_IF, "if");
    } else if (why == STOP_EOF) {
        fail(ps, "%s", "unexpected EOF");
    }
    if (ps->failed) {
        template_nodes_free(n);
        return NULL;
    }
    return n;
}

/* One action's content, already delimited: a node, or why the list ends. */
static struct tnode *parse_action(struct parser *ps, enum stop *why, bool *stopped)
{
    *stopped = false;
    skip_space(ps);
    if (ps->end - ps->p >= 2 && strncmp(ps->p, "/*", 2) == 0) {
        if (ps->end - ps->p < 4 || strncmp(ps->end - 2, "*/", 2) != 0)
            fail(ps, "%s", "unclosed comment");
        return NULL;
    }
    if (keyword(ps, "end")) {
        *why = STOP_END;
        *stopped = true;
        return NULL;
    }
    if (keyword(ps, "else")) {
        *stopped = true;
        *why = keyword(ps, "if") ? STOP_ELSE_IF : STOP_ELSE;
        if (*why == STOP_ELSE && !at_end(ps))
            fail(ps, "%s", "unexpected token in else");
        return NULL;
    }
    if (keyword(ps, "if"))
        return parse_control(ps, T_IF, "if");
    if (keyword(ps, "range"))
        return parse_control(ps, T_RANGE, "range");
    if (keyword(ps, "with"))
        return parse_control(ps, T_WITH, "with");
    if (at_end(ps)) {
        fail(ps, "%s", "missing value for command");
        return NULL;
    }
    struct tnode *n = new_node(ps, T_ACTION);
    if (n == NULL)
        return NULL;
    n->pipe = parse_pipeline(ps, false);
    if (n->pipe != NULL && !at_end(ps))
        fail(ps, "unexpected \"%s\" in operand", (char[]){*ps->p, 0});
    if (ps->failed) {
        template_nodes_free(n);
        return NULL;
    }
    return n;
}

static struct tnode *parse_list(struct parser *ps, enum stop *why)
{
    struct tnode *head = NULL, **tail = &head;
    *why = STOP_EOF;
    while (!ps->failed) {
        const char *start = NULL, *stop = NULL;
        bool tb = false, ta = false;
        const char *open = next_action(ps, &start, &stop, &tb, &ta);
        if (open == (const char *)-1) {
            fail(ps, "%s", "unclosed action");
            break;
        }
        const char *text_end = open != NULL ? open : ps->p + strlen(ps->p);
        const char *text = ps->p;
        if (ps->trim_next)
            while (text < text_end && isspace((unsigned char)*text))
                text++;
        const char *te = text_end;
        if (tb)
            while (te > text && isspace((unsigned char)te[-1]))
                te--;
        if (te > text) {
            struct tnode *t = new_node(ps, T_TEXT);
            if (t == NULL || (t->text = copy(ps, text, (size_t)(te - text))) == NULL) {
                free(t);
                break;
            }
            t->len = (size_t)(te - text);
            *tail = t;
            tail = &t->next;
        }
        count_lines(ps, ps->p, text_end);
        if (open == NULL) {
            ps->p = text_end;
            break;
        }
        const char *after = strstr(ta ? stop + 2 : stop, "}}") + 2;
        ps->p = start;
        ps->end = stop;
        ps->after = after;
        ps->trim_next = ta;
        bool stopped;
        struct tnode *n = parse_action(ps, why, &stopped);
        /* a control node has read on past its {{end}}; else if goes on in this action */
        bool control = n != NULL && n->kind != T_ACTION;
        if (!control && !(stopped && *why == STOP_ELSE_IF))
            ps->p = after;
        if (n != NULL) {
            *tail = n;
            tail = &n->next;
        }
        if (stopped)
            break;
    }
    if (ps->failed) {
        template_nodes_free(head);
        return NULL;
    }
    return head;
}

int keel_template_parse(const char *src, struct keel_template **out, keel_err *err)
{
    struct parser ps = {.src = src, .p = src, .line = 1, .err = err};
    *out = NULL;
    enum stop why;
    struct tnode *root = parse_list(&ps, &why);
    if (!ps.failed && why != STOP_EOF)
        fail(&ps, "unexpected {{%s}}", why == STOP_END ? "end" : "else");
    if (ps.failed) {
        template_nodes_free(root);
        return -1;
    }
    struct keel_template *t = calloc(1, sizeof *t);
    if (t == NULL) {
        template_nodes_free(root);
        return keel_error(err, errno, "template");
    }
    t->root = root;
    *out = t;
    return 0;
}
