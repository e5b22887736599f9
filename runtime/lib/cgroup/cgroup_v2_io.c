/* cgroup v2 io: io.bfq.weight (the v1 value as is) or io.weight (converted),
 * per-device weights and io.max throttles. leafWeight has no v2 meaning. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_v2.h"

static int io_max(const struct cg_dir *d, const char *key, const struct oci_blkio_device *v,
                  size_t n, keel_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (cg_writef(d, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
                      v[i].major, v[i].minor, key, v[i].rate) < 0)
            return -1;
    }
    return 0;
}

int cg_v2_io_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    const struct oci_blkio *b = a->r->blockIO;
    bool bfq;

    if (b == NULL)
        return 0;
    bfq = cg_exists(d, "io.bfq.weight");
    if (b->has_weight && b->weight != 0) {
        int rc = bfq ? cg_writef(d, "io.bfq.weight", err, "%" PRIu32, b->weight)
                     : cg_writef(d, "io.weight", err, "%" PRIu64, cg_blkio_to_io_weight(b->weight));
        if (rc < 0)
            return -1;
    }
    for (size_t i = 0; i < b->weightDevice_len; i++) {
        const struct oci_blkio_device *w = &b->weightDevice[i];
        int rc;

        if (!w->has_weight)
            continue;
        rc = bfq ? cg_writef(d, "io.bfq.weight", err, "%" PRId64 ":%" PRId64 " %" PRIu32,
                             w->major, w->minor, w->weight)
                 : cg_writef(d, "io.weight", err, "%" PRId64 ":%" PRId64 " %" PRIu64,
                             w->major, w->minor, cg_blkio_to_io_weight(w->weight));
        if (rc < 0)
            return -1;
    }
    if (io_max(d, "rbps", b->throttleReadBpsDevice, b->throttleReadBpsDevice_len, err) < 0 ||
        io_max(d, "wbps", b->throttleWriteBpsDevice, b->throttleWriteBpsDevice_len, err) < 0 ||
        io_max(d, "riops", b->throttleReadIOPSDevice, b->throttleReadIOPSDevice_len, err) < 0 ||
        io_max(d, "wiops", b->throttleWriteIOPSDevice, b->throttleWriteIOPSDevice_len, err) < 0)
        return -1;
    return 0;
}

static int add_entry(struct runc_blkio_entry **v, size_t *n, uint64_t major, uint64_t minor,
                     const char *op, uint64_t value, keel_err *err)
{
    struct runc_blkio_entry *grown = realloc(*v, (*n + 1) * sizeof *grown);

    if (grown == NULL)
        return keel_syserror(err, "io stats");
    *v = grown;
    grown[*n] = (struct runc_blkio_entry){
        .major = major, .has_major = major != 0, .minor = minor, .has_minor = minor != 0,
        .op = strdup(op), .value = value, .has_value = value != 0,
    };
    if (grown[(*n)++].op == NULL)
        return keel_syserror(err, "io stats");
    return 0;
}

int cg_v2_io_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err)
{
    char buf[16384];
    struct runc_blkio *b;

    if (cg_read(d, "io.stat", buf, sizeof buf, err) < 0)
        return err->errnum == ENOENT ? 0 : -1;
    if ((b = CG_STATS_OBJ(s->blkio)) == NULL)
        return keel_syserror(err, "io stats");
    for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        uint64_t major, minor, bytes[2], ios[2];

        if (!cg_parse_io_stat_line(line, &major, &minor, bytes, ios))
            continue;
        if (add_entry(&b->ioServiceBytesRecursive, &b->ioServiceBytesRecursive_len,
                      major, minor, "Read", bytes[0], err) < 0 ||
            add_entry(&b->ioServiceBytesRecursive, &b->ioServiceBytesRecursive_len,
                      major, minor, "Write", bytes[1], err) < 0 ||
            add_entry(&b->ioServicedRecursive, &b->ioServicedRecursive_len,
                      major, minor, "Read", ios[0], err) < 0 ||
            add_entry(&b->ioServicedRecursive, &b->ioServicedRecursive_len,
                      major, minor, "Write", ios[1], err) < 0)
            return -1;
    }
    return 0;
}
