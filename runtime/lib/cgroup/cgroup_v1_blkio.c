/* cgroup v1 blkio: weights (CFQ or BFQ files, whichever the kernel has) and throttles. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_v1.h"

/* CFQ's blkio.weight when present, else BFQ's blkio.bfq.weight. */
static const char *weight_file(const struct cg_dir *d, bool device)
{
    if (cg_exists(d, device ? "blkio.weight_device" : "blkio.weight"))
        return device ? "blkio.weight_device" : "blkio.weight";
    return device ? "blkio.bfq.weight_device" : "blkio.bfq.weight";
}

static int throttle(const struct cg_dir *d, const char *file, const struct oci_blkio_device *v,
                    size_t n, keel_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (cg_writef(d, file, err, "%" PRId64 ":%" PRId64 " %" PRIu64,
                      v[i].major, v[i].minor, v[i].rate) < 0)
            return -1;
    }
    return 0;
}

int cg_v1_blkio_apply(const struct cg_dir *d, const struct cg_apply *a, keel_err *err)
{
    const struct oci_blkio *b = a->r->blockIO;

    if (b == NULL)
        return 0;
    if (b->has_weight && b->weight != 0 &&
        cg_writef(d, weight_file(d, false), err, "%" PRIu32, b->weight) < 0)
        return -1;
    if (b->has_leafWeight && b->leafWeight != 0 &&
        cg_writef(d, "blkio.leaf_weight", err, "%" PRIu32, b->leafWeight) < 0)
        return -1;
    for (size_t i = 0; i < b->weightDevice_len; i++) {
        const struct oci_blkio_device *w = &b->weightDevice[i];
        if (w->has_weight && cg_writef(d, weight_file(d, true), err, "%" PRId64 ":%" PRId64 " %" PRIu32,
                                       w->major, w->minor, w->weight) < 0)
            return -1;
        if (w->has_leafWeight && cg_writef(d, "blkio.leaf_weight_device", err,
                                           "%" PRId64 ":%" PRId64 " %" PRIu32,
                                           w->major, w->minor, w->leafWeight) < 0)
            return -1;
    }
    if (throttle(d, "blkio.throttle.read_bps_device", b->throttleReadBpsDevice,
                 b->throttleReadBpsDevice_len, err) < 0 ||
        throttle(d, "blkio.throttle.write_bps_device", b->throttleWriteBpsDevice,
                 b->throttleWriteBpsDevice_len, err) < 0 ||
        throttle(d, "blkio.throttle.read_iops_device", b->throttleReadIOPSDevice,
                 b->throttleReadIOPSDevice_len, err) < 0 ||
        throttle(d, "blkio.throttle.write_iops_device", b->throttleWriteIOPSDevice,
                 b->throttleWriteIOPSDevice_len, err) < 0)
        return -1;
    return 0;
}

static int entries(const struct cg_dir *d, const char *file, struct runc_blkio_entry **out,
                   size_t *n, keel_err *err)
{
    char buf[16384];

    if (cg_read(d, file, buf, sizeof buf, err) < 0)
        return err->errnum == ENOENT ? 0 : -1;
    for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        struct runc_blkio_entry e, *grown;

        if (!cg_parse_blkio_line(line, &e))
            continue;
        grown = realloc(*out, (*n + 1) * sizeof *grown);
        if (grown == NULL) {
            free(e.op);
            return keel_syserror(err, "blkio stats");
        }
        *out = grown;
        grown[(*n)++] = e;
    }
    return 0;
}

int cg_v1_blkio_stats(const struct cg_dir *d, struct runc_stats *s, keel_err *err)
{
    if (CG_STATS_OBJ(s->blkio) == NULL)
        return keel_syserror(err, "blkio stats");
    if (entries(d, "blkio.throttle.io_service_bytes_recursive", &s->blkio->ioServiceBytesRecursive,
                &s->blkio->ioServiceBytesRecursive_len, err) < 0 ||
        entries(d, "blkio.throttle.io_serviced_recursive", &s->blkio->ioServicedRecursive,
                &s->blkio->ioServicedRecursive_len, err) < 0)
        return -1;
    return 0;
}
