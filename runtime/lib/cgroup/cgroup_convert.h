/* Pure conversions between linux.resources and cgroup file contents, v1 and
 * v2, kept apart from any I/O so that they are unit-tested as they are. */
#ifndef KEEL_CGROUP_CONVERT_H
#define KEEL_CGROUP_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keel/error.h"
#include "keel/runtime_events.h"
#include "keel/runtime_spec.h"

/* cpu.shares (2..262144) to cpu.weight (1..10000), runc's linear mapping. 0 stays 0 (unset). */
uint64_t cg_shares_to_weight(uint64_t shares);
/* blkio.weight (10..1000) to io.weight (1..10000), as runc does. 0 stays 0 (unset). */
uint64_t cg_blkio_to_io_weight(uint64_t weight);
/* memory.swap.max from the spec's swap (memory+swap) and limit: -1 is "max".
 * A swap without a memory limit, or below it, is an error. */
int cg_swap_to_v2(int64_t swap, int64_t limit, int64_t *out, keel_err *err);
/* A v2 limit value: negative is "max". buf holds at least 24 bytes. */
const char *cg_v2_limit(int64_t v, char *buf, size_t size);
/* cpu.max from quota and period ("max 100000", "50000 100000", "50000");
 * empty when neither is set. */
void cg_cpu_max(const struct oci_cpu *cpu, char *buf, size_t size);
/* One rdma.max line: "mlx5_1 hca_handle=3 hca_object=10000". */
void cg_rdma_line(const char *device, const struct oci_rdma *r, char *buf, size_t size);

/* A device rule as both versions use it. Access bits match the kernel's
 * BPF_DEVCG_ACC_* (mknod 1, read 2, write 4); major/minor -1 is any. */
enum { CG_ACC_MKNOD = 1, CG_ACC_READ = 2, CG_ACC_WRITE = 4 };
struct cg_device_rule {
    bool allow;
    char type; /* 'a', 'b' or 'c' */
    int64_t major;
    int64_t minor;
    unsigned access;
};

/* The rules a new container gets: linux.resources.devices in order, then
 * runc's default allowed devices, then one rwm rule per linux.devices
 * entry. Malloc'd in *rules. Bad types or access strings are errors naming
 * the JSON path. */
int cg_device_rules(const struct oci_linux *linux, struct cg_device_rule **rules, size_t *n,
                    keel_err *err);
/* "c 1:3 rwm", "a *:* rwm": what devices.allow/deny take. */
void cg_device_rule_string(const struct cg_device_rule *rule, char *buf, size_t size);

/* Parsers for stats files. Both return false for a line that does not carry
 * an entry ("Total 123"). */
/* v1 blkio: "8:0 Read 4096". */
bool cg_parse_blkio_line(const char *line, struct runc_blkio_entry *e);
/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..."; the four values
 * land in bytes[0..1] (Read, Write) and ios[0..1]. */
bool cg_parse_io_stat_line(const char *line, uint64_t *major, uint64_t *minor,
                           uint64_t bytes[2], uint64_t ios[2]);

#endif
