/* The terminal progress view pull and push draw (progress.h). */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Whether to redraw now (forced, or 100 ms after *last_ms, which it updates). */
static bool due(long long *last_ms, bool force)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    long long now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (!force && now - *last_ms < 100)
        return false;
    *last_ms = now;
    return true;
}

/* docker's bar: "===>   ", width + 1 cells, the head moving from the first
 * to the last (buf holds width + 2). */
static void make_bar(char *buf, int width, int64_t done, int64_t total)
{
    int fill = total > 0 ? (int)(done * width / total) : 0;
    if (fill > width)
        fill = width;
    for (int j = 0; j <= width; j++)
        buf[j] = j < fill ? '=' : (j == fill ? '>' : ' ');
    buf[width + 1] = '\0';
}

void progress_view_init(struct progress_view *v, int bar_width, progress_print_fn *print_row)
{
    *v = (struct progress_view){.tty = isatty(STDOUT_FILENO) == 1,
                                .bar_width = bar_width < PROGRESS_BAR_MAX ? bar_width
                                                                          : PROGRESS_BAR_MAX,
                                .print_row = print_row};
}

void progress_view_rows(struct progress_view *v, size_t n)
{
    v->rows = calloc(n ? n : 1, sizeof *v->rows);
    v->nrows = v->rows != NULL ? n : 0;
}

void progress_view_draw(struct progress_view *v, bool force)
{
    if (!due(&v->last_draw_ms, force))
        return;
    if (v->drawn)
        printf("\033[%zuA", v->nrows);
    for (size_t i = 0; i < v->nrows; i++) {
        const struct progress_row *r = &v->rows[i];
        char bar[PROGRESS_BAR_MAX + 2];
        make_bar(bar, v->bar_width, r->done, r->total);
        printf("\r\033[K");
        v->print_row(r, bar);
    }
    v->drawn = true;
    fflush(stdout);
}

void progress_view_update(struct progress_view *v, struct progress_row *r, int64_t done,
                          int64_t total)
{
    if (!v->tty || v->quiet || r == NULL)
        return;
    r->done = done;
    if (total > 0)
        r->total = total;
    progress_view_draw(v, false);
}

void progress_view_release(struct progress_view *v)
{
    free(v->rows);
    v->rows = NULL;
    v->nrows = 0;
}
