/* What pull's and push's terminal progress share: redraws at most every
 * 100 ms, and the bar. */
#ifndef KEEL_IMAGE_CMD_PROGRESS_H
#define KEEL_IMAGE_CMD_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* Whether to redraw now (forced, or 100 ms after *last_ms, which it updates). */
bool progress_due(long long *last_ms, bool force);
/* docker's bar: "===>   ", width + 1 cells, the head moving from the first
 * to the last (buf holds width + 2). */
void progress_bar(char *buf, int width, int64_t done, int64_t total);

#endif
