/* pull's and push's terminal progress: a block of rows, one per blob,
 * redrawn in place (at most every 100 ms unless forced), each row printed by
 * the command in its own shape with docker's bar beside it. */
#ifndef KEEL_IMAGE_CMD_PROGRESS_H
#define KEEL_IMAGE_CMD_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROGRESS_BAR_MAX 50

struct progress_row {
    char label[32];  /* "layer 1a2b3c4d5e6f" (pull), the layer's short ID (push) */
    char state[128]; /* "downloading", "Mounted from library/x", ... */
    int64_t done, total;
    bool bar; /* push shows a bar only while pushing; pull always */
};

/* Prints one row (after the line is cleared) with its newline; bar is
 * docker's "===>   " for done/total, bar_width + 1 cells. */
typedef void progress_print_fn(const struct progress_row *r, const char *bar);

struct progress_view {
    bool tty;   /* stdout is a terminal: rows are redrawn in place */
    bool quiet; /* -q: nothing but the result */
    struct progress_row *rows;
    size_t nrows;
    int bar_width; /* at most PROGRESS_BAR_MAX */
    progress_print_fn *print_row;
    bool drawn;
    long long last_draw_ms;
};

/* A view on stdout (tty when it is a terminal) with no rows yet. */
void progress_view_init(struct progress_view *v, int bar_width, progress_print_fn *print_row);
/* Makes n blank rows (none when out of memory: the progress is then not shown). */
void progress_view_rows(struct progress_view *v, size_t n);
/* Draws all the rows over the last drawing, when forced or 100 ms after it. */
void progress_view_draw(struct progress_view *v, bool force);
/* A progress report for row r (NULL: none): redrawn on a terminal. */
void progress_view_update(struct progress_view *v, struct progress_row *r, int64_t done,
                          int64_t total);
void progress_view_release(struct progress_view *v);

#endif
