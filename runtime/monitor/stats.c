/* docker stats' numbers: cgroup samples and docker's arithmetic and table. */
#include "stats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "cgroup.h"
#include "container_cgroup.h"
#include "state.h"

static int host_cpu_ns(uint64_t *ns, keel_err *err)
{
    cleanup_fclose FILE *f = fopen("/proc/stat", "re");
    char line[512];
    if (f == NULL || fgets(line, sizeof line, f) == NULL)
        return keel_syserror(err, "read /proc/stat");
    if (stats_parse_cpu_line(line, sysconf(_SC_CLK_TCK), ns) < 0)
        return keel_error(err, EINVAL, "/proc/stat: no cpu line");
    return 0;
}

static void net_counters(pid_t pid, struct stats_sample *s)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/net/dev", (int)pid);
    cleanup_fclose FILE *f = fopen(path, "re");
    /* a container gone meanwhile has no counters: zeros, as docker's */
    if (f != NULL)
        stats_parse_netdev(f, &s->net_rx, &s->net_tx);
}

static void from_cgroup(const struct runc_stats *r, struct stats_sample *s)
{
    if (r->cpu != NULL && r->cpu->usage != NULL)
        s->cpu_ns = r->cpu->usage->total;
    if (r->memory != NULL) {
        s->mem_cache = r->memory->cache;
        if (r->memory->usage != NULL) {
            s->mem_usage = r->memory->usage->usage;
            s->mem_limit = r->memory->usage->limit;
        }
    }
    if (r->pids != NULL)
        s->pids = r->pids->current;
    for (size_t i = 0; r->blkio != NULL && i < r->blkio->ioServiceBytesRecursive_len; i++) {
        const struct runc_blkio_entry *e = &r->blkio->ioServiceBytesRecursive[i];
        if (e->op != NULL && strcasecmp(e->op, "read") == 0)
            s->blk_read += e->value;
        else if (e->op != NULL && strcasecmp(e->op, "write") == 0)
            s->blk_write += e->value;
    }
}

int stats_sample(const char *root, const char *id, struct stats_sample *s, keel_err *err)
{
    struct container c;
    memset(s, 0, sizeof *s);
    if (host_cpu_ns(&s->system_ns, err) < 0)
        return -1;
    if (container_open(root, id, &c, err) < 0) {
        if (err->errnum != ENOENT)
            return -1;
        return 0; /* no runtime state: the container is not running */
    }
    enum container_status st = container_status(&c);
    if (st != STATUS_RUNNING && st != STATUS_PAUSED) {
        container_close(&c);
        return 0;
    }
    pid_t pid = c.st.pid;
    cleanup_cgroup struct cgroup *cg = container_cgroup_open(&c, err);
    container_close(&c);
    if (cg == NULL)
        return -1;
    struct runc_stats r;
    if (cgroup_stats(cg, &r, err) < 0)
        return -1;
    from_cgroup(&r, s);
    spec_release(&spec_type_runc_stats, &r);
    net_counters(pid, s);
    s->running = true;
    return 0;
}

double stats_cpu_percent(const struct stats_sample *prev, const struct stats_sample *cur,
                         unsigned ncpu)
{
    if (!cur->running || !prev->running || cur->cpu_ns < prev->cpu_ns ||
        cur->system_ns <= prev->system_ns)
        return 0;
    double cpu = (double)(cur->cpu_ns - prev->cpu_ns);
    double sys = (double)(cur->system_ns - prev->system_ns);
    return cpu / sys * ncpu * 100.0;
}

uint64_t stats_mem_used(const struct stats_sample *s)
{
    return s->mem_cache < s->mem_usage ? s->mem_usage - s->mem_cache : s->mem_usage;
}

uint64_t stats_mem_limit(const struct stats_sample *s, uint64_t host_mem)
{
    if (!s->running)
        return 0;
    return s->mem_limit == 0 || s->mem_limit > host_mem ? host_mem : s->mem_limit;
}

/* v in the largest unit of `units` (powers of `base`) that keeps it >= 1;
 * its index into *unit. */
static double scaled(double v, double base, const char *const *units, size_t *unit)
{
    size_t i = 0;
    while (v >= base && units[i + 1] != NULL) {
        v /= base;
        i++;
    }
    *unit = i;
    return v;
}

void stats_size_binary(char *buf, size_t len, double bytes)
{
    static const char *const u[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", NULL};
    size_t i;
    double v = scaled(bytes, 1024, u, &i);
    snprintf(buf, len, "%.4g%s", v, u[i]);
}

void stats_size_decimal(char *buf, size_t len, double bytes)
{
    static const char *const u[] = {"B", "kB", "MB", "GB", "TB", "PB", NULL};
    size_t i;
    double v = scaled(bytes, 1000, u, &i);
    snprintf(buf, len, "%.3g%s", v, u[i]);
}

int stats_parse_cpu_line(const char *line, long hz, uint64_t *ns)
{
    if (strncmp(line, "cpu ", 4) != 0 || hz <= 0)
        return -1;
    const char *p = line + 4;
    uint64_t ticks = 0;
    /* user nice system idle iowait irq softirq steal: guest time is in user */
    for (int i = 0; i < 8; i++) {
        char *end;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p)
            break;
        ticks += v;
        p = end;
    }
    *ns = ticks * (1000000000ull / (uint64_t)hz);
    return 0;
}

int stats_parse_netdev(FILE *f, uint64_t *rx, uint64_t *tx)
{
    char line[512];
    *rx = *tx = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');
        if (colon == NULL)
            continue; /* the two header lines */
        *colon = '\0';
        char *name = line + strspn(line, " ");
        if (strcmp(name, "lo") == 0)
            continue;
        unsigned long long v[9];
        if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                   &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) != 9)
            continue;
        *rx += v[0];
        *tx += v[8];
    }
    return 0;
}

void stats_table(FILE *out, char *const *cells, size_t rows, size_t cols)
{
    size_t width[16] = {0};
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols && c < 16; c++) {
            size_t w = strlen(cells[r * cols + c]) + 3;
            if (w < 10)
                w = 10;
            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            if (c + 1 < cols)
                fprintf(out, "%-*s", (int)width[c], cells[r * cols + c]);
            else
                fprintf(out, "%s\n", cells[r * cols + c]);
        }
    }
}

void stats_row(char cells[][STATS_CELL], const char *id, const char *name,
               const struct stats_sample *prev, const struct stats_sample *cur, unsigned ncpu,
               uint64_t host_mem)
{
    char a[24], b[24];
    uint64_t used = stats_mem_used(cur), limit = stats_mem_limit(cur, host_mem);
    snprintf(cells[0], STATS_CELL, "%s", id);
    snprintf(cells[1], STATS_CELL, "%s", name);
    snprintf(cells[2], STATS_CELL, "%.2f%%", stats_cpu_percent(prev, cur, ncpu));
    stats_size_binary(a, sizeof a, (double)used);
    stats_size_binary(b, sizeof b, (double)limit);
    snprintf(cells[3], STATS_CELL, "%s / %s", a, b);
    snprintf(cells[4], STATS_CELL, "%.2f%%", limit > 0 ? (double)used / (double)limit * 100.0 : 0.0);
    stats_size_decimal(a, sizeof a, (double)cur->net_rx);
    stats_size_decimal(b, sizeof b, (double)cur->net_tx);
    snprintf(cells[5], STATS_CELL, "%s / %s", a, b);
    stats_size_decimal(a, sizeof a, (double)cur->blk_read);
    stats_size_decimal(b, sizeof b, (double)cur->blk_write);
    snprintf(cells[6], STATS_CELL, "%s / %s", a, b);
    snprintf(cells[7], STATS_CELL, "%" PRIu64, cur->pids);
}

uint64_t stats_host_mem(void)
{
    cleanup_fclose FILE *f = fopen("/proc/meminfo", "re");
    char line[256];
    unsigned long long kb;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
            return kb * 1024;
    return 0;
}

/* Samples every container of `ids` into `out`. */
static int sample_all(const char *root, char *const *ids, size_t n, struct stats_sample *out,
                      keel_err *err)
{
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *id = strndup(ids[i], strcspn(ids[i], "="));
        if (id == NULL)
            return keel_syserror(err, "stats");
        if (stats_sample(root, id, &out[i], err) < 0)
            return -1;
    }
    return 0;
}

static void print_table(FILE *out, char *const *ids, size_t n, const struct stats_sample *prev,
                        const struct stats_sample *cur, const struct stats_opts *o)
{
    static const char *const head[8] = {"CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT",
                                        "MEM %", "NET I/O", "BLOCK I/O", "PIDS"};
    char(*cells)[STATS_CELL] = calloc(n + 1, 8 * sizeof *cells);
    char **ptrs = calloc((n + 1) * 8, sizeof *ptrs);
    if (cells == NULL || ptrs == NULL) {
        free(cells);
        free(ptrs);
        return;
    }
    for (size_t c = 0; c < 8; c++)
        snprintf(cells[c], STATS_CELL, "%s", head[c]);
    unsigned ncpu = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t mem = stats_host_mem();
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(ids[i], '=');
        char id[65];
        size_t idlen = eq != NULL ? (size_t)(eq - ids[i]) : strlen(ids[i]);
        if (!o->no_trunc && idlen > 12)
            idlen = 12;
        snprintf(id, sizeof id, "%.*s", (int)idlen, ids[i]);
        stats_row(&cells[(i + 1) * 8], id, eq != NULL ? eq + 1 : "", &prev[i], &cur[i], ncpu, mem);
    }
    for (size_t k = 0; k < (n + 1) * 8; k++)
        ptrs[k] = cells[k];
    if (o->tsv) {
        for (size_t r = 1; r <= n; r++)
            for (size_t c = 0; c < 8; c++)
                fprintf(out, "%s%c", ptrs[r * 8 + c], c < 7 ? '\t' : '\n');
    } else {
        stats_table(out, ptrs, n + 1, 8);
    }
    fflush(out);
    free(cells);
    free(ptrs);
}

int stats_run(const struct stats_opts *o, char *const *ids, size_t n, FILE *out, keel_err *err)
{
    cleanup_free struct stats_sample *prev = calloc(n + 1, sizeof *prev);
    cleanup_free struct stats_sample *cur = calloc(n + 1, sizeof *cur);
    if (prev == NULL || cur == NULL)
        return keel_syserror(err, "stats");
    if (sample_all(o->root, ids, n, prev, err) < 0)
        return -1;
    for (;;) {
        usleep((useconds_t)o->interval_ms * 1000);
        if (sample_all(o->root, ids, n, cur, err) < 0)
            return -1;
        if (o->stream)
            fputs("\033[2J\033[H", out);
        print_table(out, ids, n, prev, cur, o);
        if (!o->stream)
            return 0;
        memcpy(prev, cur, n * sizeof *cur);
    }
}
