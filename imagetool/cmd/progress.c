/* Progress display helpers for the commands. */
#include "progress.h"

#include <time.h>

bool progress_due(long long *last_ms, bool force)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    long long now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (!force && now - *last_ms < 100)
        return false;
    *last_ms = now;
    return true;
}

void progress_bar(char *buf, int width, int64_t done, int64_t total)
{
    int fill = total > 0 ? (int)(done * width / total) : 0;
    if (fill > width)
        fill = width;
    for (int j = 0; j <= width; j++)
        buf[j] = j < fill ? '=' : (j == fill ? '>' : ' ');
    buf[width + 1] = '\0';
}
