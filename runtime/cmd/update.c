/* keel update [-r|--resources FILE|-] [--memory N] ... ID: new limits for a running
 * container, from a linux.resources JSON document or from flags (runc's spellings). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "commands.h"
#include "container_cgroup.h"
#include "options.h"

enum {
    U_RESOURCES = 1, U_MEMORY, U_MEMORY_RES, U_MEMORY_SWAP, U_KERNEL, U_KERNEL_TCP, U_SHARES,
    U_QUOTA, U_PERIOD, U_RT_RUNTIME, U_RT_PERIOD, U_CPUS, U_MEMS, U_BLKIO, U_PIDS, U_L3, U_MEMBW,
    U_BURST,
};

static const struct keel_option update_options[] = {
    { "resources", 'r', true, U_RESOURCES },
    { "memory", 'm', true, U_MEMORY },
    { "memory-reservation", 0, true, U_MEMORY_RES },
    { "memory-swap", 0, true, U_MEMORY_SWAP },
    { "kernel-memory", 0, true, U_KERNEL },
    { "kernel-memory-tcp", 0, true, U_KERNEL_TCP },
    { "cpu-share", 0, true, U_SHARES },
    { "cpu-quota", 0, true, U_QUOTA },
    { "cpu-period", 0, true, U_PERIOD },
    { "cpu-rt-runtime", 0, true, U_RT_RUNTIME },
    { "cpu-rt-period", 0, true, U_RT_PERIOD },
    { "cpuset-cpus", 0, true, U_CPUS },
    { "cpuset-mems", 0, true, U_MEMS },
    { "blkio-weight", 0, true, U_BLKIO },
    { "pids-limit", 0, true, U_PIDS },
    { "l3-cache-schema", 0, true, U_L3 },
    { "mem-bw-schema", 0, true, U_MEMBW },
    { "cpu-burst", 0, true, U_BURST },
    { NULL, 0, false, 0 },
};

/* A size as docker and runc write it: "67108864", "64m", "1.5g", "512KiB"; -1 is unlimited. */
static int parse_bytes(const char *name, const char *s, int64_t *out, keel_err *err)
{
    static const char units[] = "bkmgtp";
    char *end;
    double v;
    const char *u;

    if (strcmp(s, "-1") == 0) {
        *out = -1;
        return 0;
    }
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || v < 0)
        return keel_error(err, 0, "--%s: invalid size %s", name, s);
    while (*end == ' ')
        end++;
    if (*end != '\0') {
        u = strchr(units, tolower((unsigned char)*end));
        if (u == NULL)
            return keel_error(err, 0, "--%s: invalid size %s", name, s);
        for (long i = u - units; i > 0; i--)
            v *= 1024;
        end++;
        if (tolower((unsigned char)*end) == 'i')
            end++;
        if (u != units && tolower((unsigned char)*end) == 'b')
            end++;
        if (*end != '\0')
            return keel_error(err, 0, "--%s: invalid size %s", name, s);
    }
    if (v > (double)INT64_MAX)
        return keel_error(err, 0, "--%s: %s is too large", name, s);
    *out = (int64_t)v;
    return 0;
}

static int parse_i64(const char *name, const char *s, int64_t *out, keel_err *err)
{
    char *end;

    errno = 0;
    *out = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0')
        return keel_error(err, 0, "--%s: invalid number %s", name, s);
    return 0;
}

static int parse_u64(const char *name, const char *s, uint64_t *out, keel_err *err)
{
    int64_t v;

    if (parse_i64(name, s, &v, err) < 0)
        return -1;
    if (v < 0)
        return keel_error(err, 0, "--%s: %s is negative", name, s);
    *out = (uint64_t)v;
    return 0;
}

static int read_resources(const char *file, struct oci_resources *r, keel_err *err)
{
    cleanup_free char *buf = NULL;
    size_t len = 0, cap = 0;
    ssize_t n;

    if (strcmp(file, "-") != 0)
        return spec_parse_file(&spec_type_oci_resources, file, r, err);
    do {
        if (len == cap) {
            char *grown = realloc(buf, cap = cap ? cap * 2 : 4096);
            if (grown == NULL)
                return keel_syserror(err, "read resources from stdin");
            buf = grown;
        }
        n = read(STDIN_FILENO, buf + len, cap - len);
        if (n < 0 && errno != EINTR)
            return keel_syserror(err, "read resources from stdin");
        if (n > 0)
            len += (size_t)n;
    } while (n != 0);
    return spec_parse(&spec_type_oci_resources, buf, len, "stdin", r, err);
}

#define NEED(obj) ((obj) != NULL || ((obj) = calloc(1, sizeof *(obj))) != NULL)

/* One flag into the resources; the sub-objects are made as needed. */
static int apply_flag(struct oci_resources *r, int key, const char *name, const char *v,
                      keel_err *err)
{
    int64_t i = 0;
    uint64_t u = 0;

    if (!NEED(r->memory) || !NEED(r->cpu) || !NEED(r->pids) || !NEED(r->blockIO))
        return keel_syserror(err, "update");
    switch (key) {
    case U_MEMORY: case U_MEMORY_RES: case U_MEMORY_SWAP: case U_KERNEL: case U_KERNEL_TCP:
        if (parse_bytes(name, v, &i, err) < 0)
            return -1;
        break;
    case U_SHARES: case U_PERIOD: case U_RT_PERIOD: case U_BLKIO: case U_BURST:
        if (parse_u64(name, v, &u, err) < 0)
            return -1;
        break;
    case U_QUOTA: case U_RT_RUNTIME: case U_PIDS:
        if (parse_i64(name, v, &i, err) < 0)
            return -1;
        break;
    }
    switch (key) {
    case U_MEMORY: r->memory->limit = i; r->memory->has_limit = true; break;
    case U_MEMORY_RES: r->memory->reservation = i; r->memory->has_reservation = true; break;
    case U_MEMORY_SWAP: r->memory->swap = i; r->memory->has_swap = true; break;
    case U_KERNEL: r->memory->kernel = i; r->memory->has_kernel = true; break;
    case U_KERNEL_TCP: r->memory->kernelTCP = i; r->memory->has_kernelTCP = true; break;
    case U_SHARES: r->cpu->shares = u; r->cpu->has_shares = true; break;
    case U_QUOTA: r->cpu->quota = i; r->cpu->has_quota = true; break;
    case U_PERIOD: r->cpu->period = u; r->cpu->has_period = true; break;
    case U_BURST: r->cpu->burst = u; r->cpu->has_burst = true; break;
    case U_RT_RUNTIME: r->cpu->realtimeRuntime = i; r->cpu->has_realtimeRuntime = true; break;
    case U_RT_PERIOD: r->cpu->realtimePeriod = u; r->cpu->has_realtimePeriod = true; break;
    case U_CPUS: free(r->cpu->cpus); r->cpu->cpus = strdup(v); break;
    case U_MEMS: free(r->cpu->mems); r->cpu->mems = strdup(v); break;
    case U_BLKIO:
        if (u > UINT16_MAX)
            return keel_error(err, 0, "--blkio-weight: %s is too large", v);
        r->blockIO->weight = (uint32_t)u;
        r->blockIO->has_weight = true;
        break;
    case U_PIDS: r->pids->limit = i; r->pids->has_limit = true; break;
    case U_L3: case U_MEMBW:
        return keel_error(err, ENOTSUP, "--%s: Intel RDT is not supported by keel", name);
    }
    return 0;
}

int cmd_update(const struct globals *g, int argc, char **argv, keel_err *err)
{
    struct keel_option_parser p = { .options = update_options, .argc = argc, .argv = argv, .index = 1 };
    struct oci_resources r = { 0 };
    const char *file = NULL, *v;
    bool flags = false;
    int key, rc = -1;

    while ((key = options_next(&p, &v, err)) > 0) {
        if (key == U_RESOURCES) {
            file = v;
            continue;
        }
        flags = true;
        if (apply_flag(&r, key, update_options[key - 1].name, v, err) < 0)
            goto out;
    }
    if (key < 0)
        goto out;
    if (argc - p.index != 1) {
        keel_error(err, 0, "usage: keel update [-r FILE|-] [--memory N] [--cpu-share N] ... ID");
        goto out;
    }
    if (file != NULL) {
        /* as runc: the document replaces the flags */
        if (flags)
            fprintf(stderr, "keel: update: -r given, the other flags are ignored\n");
        spec_release(&spec_type_oci_resources, &r);
        if (read_resources(file, &r, err) < 0)
            goto out;
    }
    rc = container_update(g->root, argv[p.index], &r, err);
out:
    spec_release(&spec_type_oci_resources, &r);
    return rc < 0 ? -1 : 0;
}
