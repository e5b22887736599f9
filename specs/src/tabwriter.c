/* Go's text/tabwriter as docker's tables use it (left-aligned, padded with
 * spaces): a cell ends at a tab; the cells of a column block (consecutive
 * lines that have the column) are as wide as the widest plus padding, at
 * least minwidth; the text after a line's last tab is not aligned; a line
 * without a tab ends the blocks above it. */
#include <stdlib.h>
#include <string.h>

#include "keel/template.h"

struct cell {
    const char *s;
    size_t len, width;
};

struct tline {
    struct cell *cells;
    size_t n;
};

struct tw {
    struct tline *lines;
    size_t nlines;
    size_t widths[256];
    size_t nwidths;
    size_t minwidth, padding;
    char *out;
    size_t len, cap;
    bool oom;
};

static void emit(struct tw *w, const char *s, size_t n)
{
    if (w->oom)
        return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = (w->len + n + 1) * 2;
        char *p = realloc(w->out, cap);
        if (p == NULL) {
            w->oom = true;
            return;
        }
        w->out = p;
        w->cap = cap;
    }
    memcpy(w->out + w->len, s, n);
    w->len += n;
    w->out[w->len] = '\0';
}

static void pad(struct tw *w, size_t n)
{
    while (n-- > 0)
        emit(w, " ", 1);
}

/* Runes, as Go counts a cell's width. */
static size_t runes(const char *s, size_t n)
{
    size_t r = 0;
    for (size_t i = 0; i < n; i++)
        r += ((unsigned char)s[i] & 0xc0) != 0x80;
    return r;
}

static void write_lines(struct tw *w, size_t line0, size_t line1, bool last_is_open)
{
    for (size_t i = line0; i < line1; i++) {
        const struct tline *l = &w->lines[i];
        for (size_t j = 0; j < l->n; j++) {
            emit(w, l->cells[j].s, l->cells[j].len);
            if (j < w->nwidths && w->widths[j] > l->cells[j].width)
                pad(w, w->widths[j] - l->cells[j].width);
        }
        if (!(last_is_open && i + 1 == w->nlines))
            emit(w, "\n", 1);
    }
}

static size_t format(struct tw *w, size_t line0, size_t line1, bool open)
{
    size_t column = w->nwidths;
    for (size_t this = line0; this < line1; this++) {
        if (column + 1 >= w->lines[this].n)
            continue;
        write_lines(w, line0, this, open);
        line0 = this;
        size_t width = w->minwidth;
        for (; this < line1; this++) {
            const struct tline *l = &w->lines[this];
            if (column + 1 >= l->n)
                break;
            if (l->cells[column].width + w->padding > width)
                width = l->cells[column].width + w->padding;
        }
        if (w->nwidths < sizeof w->widths / sizeof w->widths[0]) {
            w->widths[w->nwidths++] = width;
            format(w, line0, this, open);
            w->nwidths--;
        } else {
            write_lines(w, line0, this, open);
        }
        line0 = this;
    }
    write_lines(w, line0, line1, open);
    return line1;
}

/* Splits [s, s+n) into a line of cells at tabs. */
static bool split_line(struct tline *l, const char *s, size_t n)
{
    size_t cells = 1;
    for (size_t i = 0; i < n; i++)
        cells += s[i] == '\t';
    l->cells = calloc(cells, sizeof *l->cells);
    if (l->cells == NULL)
        return false;
    l->n = 0;
    const char *start = s;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\t') {
            struct cell *c = &l->cells[l->n++];
            c->s = start;
            c->len = (size_t)(s + i - start);
            c->width = runes(c->s, c->len);
            start = s + i + 1;
        }
    }
    return true;
}

static void flush(struct tw *w, bool open)
{
    if (w->nlines > 0)
        format(w, 0, w->nlines, open);
    for (size_t i = 0; i < w->nlines; i++)
        free(w->lines[i].cells);
    w->nlines = 0;
}

char *keel_tabwriter(const char *text, size_t len, size_t minwidth, size_t padding,
                     size_t *out_len)
{
    struct tw w = {.minwidth = minwidth, .padding = padding};
    size_t nl = 1;
    for (size_t i = 0; i < len; i++)
        nl += text[i] == '\n';
    w.lines = calloc(nl, sizeof *w.lines);
    if (w.lines == NULL)
        return NULL;
    emit(&w, "", 0);
    const char *p = text, *end = text + len;
    while (p < end && !w.oom) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        bool open = e == NULL;
        if (open)
            e = end;
        struct tline *l = &w.lines[w.nlines];
        if (!split_line(l, p, (size_t)(e - p))) {
            w.oom = true;
            break;
        }
        w.nlines++;
        if (open) {
            flush(&w, true);
            break;
        }
        /* a line of one cell changes no column: Go flushes there */
        if (l->n == 1)
            flush(&w, false);
        p = e + 1;
    }
    flush(&w, false);
    free(w.lines);
    if (w.oom) {
        free(w.out);
        return NULL;
    }
    *out_len = w.len;
    return w.out;
}
