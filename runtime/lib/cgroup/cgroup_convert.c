/* Pure conversions between linux.resources and cgroup file contents. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_convert.h"

uint64_t cg_shares_to_weight(uint64_t shares)
{
    if (shares == 0)
        return 0;
    if (shares <= 2)
        return 1;
    if (shares >= 262144)
        return 10000;
    return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg_blkio_to_io_weight(uint64_t weight)
{
    if (weight == 0)
        return 0;
    if (weight <= 10)
        return 1;
    if (weight >= 1000)
        return 10000;
    return 1 + (weight - 10) * 9999 / 990;
}

int cg_swap_to_v2(int64_t swap, int64_t limit, int64_t *out, keel_err *err)
{
    if (swap == -1) {
        *out = -1;
        return 0;
    }
    if (limit == 0 || limit == -1)
        return keel_error(err, 0, "memory.swap %" PRId64 " needs a memory.limit", swap);
    if (swap < limit)
        return keel_error(err, 0, "memory.swap %" PRId64 " is below memory.limit %" PRId64
                          " (swap is memory+swap)", swap, limit);
    *out = swap - limit;
    return 0;
}

const char *cg_v2_limit(int64_t v, char *buf, size_t size)
{
    if (v < 0)
        snprintf(buf, size, "max");
    else
        snprintf(buf, size, "%" PRId64, v);
    return buf;
}

void cg_cpu_max(const struct oci_cpu *cpu, char *buf, size_t size)
{
    int64_t quota = cpu->has_quota ? cpu->quota : 0;
    uint64_t period = cpu->has_period ? cpu->period : 0;
    int n;

    buf[0] = '\0';
    if (quota == 0 && period == 0)
        return;
    if (quota > 0)
        n = snprintf(buf, size, "%" PRId64, quota);
    else
        n = snprintf(buf, size, "max");
    if (period != 0 && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " %" PRIu64, period);
}

void cg_rdma_line(const char *device, const struct oci_rdma *r, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s", device);

    if (r->has_hcaHandles && n > 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, " hca_handle=%" PRIu32, r->hcaHandles);
    if (r->has_hcaObjects && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " hca_object=%" PRIu32, r->hcaObjects);
}

/* runc's default allow list: mknod of anything, the standard character
 * devices, ptys and tun. */
static const struct cg_device_rule default_devices[] = {
    { true, 'c', -1, -1, CG_ACC_MKNOD },
    { true, 'b', -1, -1, CG_ACC_MKNOD },
    { true, 'c', 1, 3, CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE },   /* null */
    { true, 'c', 1, 8, CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE },   /* random */
    { true, 'c', 1, 7, CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE },   /* full */
    { true, 'c', 5, 0, CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE },   /* tty */
    { true, 'c', 1, 5, CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE },   /* zero */
    { true, 'c', 1, 9, CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE },   /* urandom */
    { true, 'c', 136, -1, CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE }, /* pts */
    { true, 'c', 5, 2, CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE },   /* ptmx */
    { true, 'c', 10, 200, CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE }, /* tun */
};
#define N_DEFAULT_DEVICES (sizeof default_devices / sizeof default_devices[0])

static int parse_access(const char *s, unsigned *access)
{
    *access = 0;
    if (s == NULL) {
        *access = CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE;
        return 0;
    }
    for (; *s != '\0'; s++) {
        switch (*s) {
        case 'r': *access |= CG_ACC_READ; break;
        case 'w': *access |= CG_ACC_WRITE; break;
        case 'm': *access |= CG_ACC_MKNOD; break;
        default: return -1;
        }
    }
    return 0;
}

static int rule_from_config(const struct oci_device_cgroup *d, size_t i,
                            struct cg_device_rule *rule, keel_err *err)
{
    const char *type = d->type != NULL ? d->type : "a";

    if (strlen(type) != 1 || strchr("abc", type[0]) == NULL)
        return keel_error(err, 0, "linux.resources.devices[%zu].type: \"%s\" is not a, b or c",
                          i, type);
    if (parse_access(d->access, &rule->access) < 0)
        return keel_error(err, 0, "linux.resources.devices[%zu].access: \"%s\" is not made of r, w and m",
                          i, d->access);
    rule->allow = d->has_allow && d->allow;
    rule->type = type[0];
    rule->major = d->has_major ? d->major : -1;
    rule->minor = d->has_minor ? d->minor : -1;
    return 0;
}

int cg_device_rules(const struct oci_linux *linux, struct cg_device_rule **rules, size_t *n,
                    keel_err *err)
{
    const struct oci_resources *r = linux != NULL ? linux->resources : NULL;
    size_t nconf = r != NULL ? r->devices_len : 0;
    size_t ndev = linux != NULL ? linux->devices_len : 0;
    struct cg_device_rule *out = calloc(nconf + N_DEFAULT_DEVICES + ndev, sizeof *out);
    size_t k = 0;

    if (out == NULL)
        return keel_syserror(err, "allocate device rules");
    for (size_t i = 0; i < nconf; i++) {
        if (rule_from_config(&r->devices[i], i, &out[k++], err) < 0) {
            free(out);
            return -1;
        }
    }
    for (size_t i = 0; i < N_DEFAULT_DEVICES; i++)
        out[k++] = default_devices[i];
    for (size_t i = 0; i < ndev; i++) {
        const struct oci_device *d = &linux->devices[i];

        if (d->type == NULL || (strcmp(d->type, "c") != 0 && strcmp(d->type, "u") != 0 &&
                                strcmp(d->type, "b") != 0))
            continue; /* fifos need no cgroup permission; validation reports bad types */
        out[k++] = (struct cg_device_rule){
            .allow = true,
            .type = d->type[0] == 'b' ? 'b' : 'c',
            .major = d->has_major ? d->major : -1,
            .minor = d->has_minor ? d->minor : -1,
            .access = CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE,
        };
    }
    *rules = out;
    *n = k;
    return 0;
}

static void id_string(int64_t v, char *buf, size_t size)
{
    if (v < 0)
        snprintf(buf, size, "*");
    else
        snprintf(buf, size, "%" PRId64, v);
}

void cg_device_rule_string(const struct cg_device_rule *rule, char *buf, size_t size)
{
    char major[24], minor[24], access[4];
    size_t k = 0;

    id_string(rule->major, major, sizeof major);
    id_string(rule->minor, minor, sizeof minor);
    if (rule->access & CG_ACC_READ)
        access[k++] = 'r';
    if (rule->access & CG_ACC_WRITE)
        access[k++] = 'w';
    if (rule->access & CG_ACC_MKNOD)
        access[k++] = 'm';
    access[k] = '\0';
    snprintf(buf, size, "%c %s:%s %s", rule->type, major, minor, access);
}

bool cg_parse_blkio_line(const char *line, struct runc_blkio_entry *e)
{
    unsigned long long major, minor, value;
    char op[32];

    if (sscanf(line, "%llu:%llu %31s %llu", &major, &minor, op, &value) != 4)
        return false;
    memset(e, 0, sizeof *e);
    e->major = major;
    e->has_major = major != 0;
    e->minor = minor;
    e->has_minor = minor != 0;
    e->op = strdup(op);
    e->value = value;
    e->has_value = value != 0;
    return e->op != NULL;
}

bool cg_parse_io_stat_line(const char *line, uint64_t *major, uint64_t *minor,
                           uint64_t bytes[2], uint64_t ios[2])
{
    static const char *const keys[] = { "rbytes=", "wbytes=", "rios=", "wios=" };
    unsigned long long maj, min;
    int off = 0;

    if (sscanf(line, "%llu:%llu%n", &maj, &min, &off) != 2)
        return false;
    *major = maj;
    *minor = min;
    bytes[0] = bytes[1] = ios[0] = ios[1] = 0;
    for (const char *p = line + off; *p != '\0';) {
        while (*p == ' ')
            p++;
        for (size_t k = 0; k < 4; k++) {
            size_t len = strlen(keys[k]);
            if (strncmp(p, keys[k], len) == 0) {
                uint64_t v = strtoull(p + len, NULL, 10);
                if (k < 2)
                    bytes[k] = v;
                else
                    ios[k - 2] = v;
            }
        }
        p += strcspn(p, " ");
    }
    return true;
}
