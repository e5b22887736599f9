/* docker stats' numbers for keel-docker (keel-monitor stats): samples of a
 * container's cgroup (v1 or v2, through the runtime's cgroup library), its
 * network counters and the host's CPU time, and docker's table of them. The
 * arithmetic and the formatting are pure functions, tested alone. */
#ifndef KEEL_MONITOR_STATS_H
#define KEEL_MONITOR_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "keel/error.h"

struct stats_sample {
    bool running;
    uint64_t cpu_ns;    /* the cgroup's CPU time */
    uint64_t system_ns; /* the host's, all CPUs, from /proc/stat */
    uint64_t mem_usage, mem_cache, mem_limit;
    uint64_t net_rx, net_tx, blk_read, blk_write, pids;
};

/* One sample of container ID under the runtime's ROOT; a container that is
 * not running gives running = false and zeros (docker's row for it). */
int stats_sample(const char *root, const char *id, struct stats_sample *s, keel_err *err);

/* docker's CPU %: the container's share of the host's CPU time between two
 * samples, times the number of CPUs (100% is one CPU busy). */
double stats_cpu_percent(const struct stats_sample *prev, const struct stats_sample *cur,
                         unsigned ncpu);

/* Memory used without the page cache, and the limit (the host's memory when
 * the cgroup has none, as docker shows it). */
uint64_t stats_mem_used(const struct stats_sample *s);
uint64_t stats_mem_limit(const struct stats_sample *s, uint64_t host_mem);

/* docker's sizes: binary ("232KiB", "1.5GiB": 4 significant digits) for
 * memory, decimal ("1.2kB", "0B": 3) for network and block I/O. */
void stats_size_binary(char *buf, size_t len, double bytes);
void stats_size_decimal(char *buf, size_t len, double bytes);

/* The "cpu" line of /proc/stat as nanoseconds (user to steal), with ticks of
 * `hz` per second; -1 when the line is not one. */
int stats_parse_cpu_line(const char *line, long hz, uint64_t *ns);

/* Received and sent bytes of /proc/PID/net/dev's interfaces but lo. */
int stats_parse_netdev(FILE *f, uint64_t *rx, uint64_t *tx);

/* docker's table: rows of cells (row 0 the header), columns padded as Go's
 * tabwriter does for docker (minimum width 10, padding 3), the last unpadded. */
void stats_table(FILE *out, char *const *cells, size_t rows, size_t cols);

/* The cells of one container's row (8 of them, into `cells`). */
#define STATS_CELL 80
void stats_row(char cells[][STATS_CELL], const char *id, const char *name,
               const struct stats_sample *prev, const struct stats_sample *cur, unsigned ncpu,
               uint64_t host_mem);

/* The host's memory (MemTotal), 0 when unknown. */
uint64_t stats_host_mem(void);

struct stats_opts {
    const char *root; /* the runtime's state root */
    bool stream, no_trunc;
    bool tsv; /* rows of tab-separated cells, no header (for --format) */
    long interval_ms; /* between two samples */
};

/* docker stats: the table of containers `ids` ("ID=NAME" each), once
 * (two samples `interval_ms` apart) or, with `stream`, refreshed for ever. */
int stats_run(const struct stats_opts *o, char *const *ids, size_t n, FILE *out, keel_err *err);

#endif
