/* The cgroup v2 device filter: assembling the eBPF program and attaching it
 * to the cgroup directory in place of the one attached before. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "keel/cleanup.h"
#include "cgroup_bpf.h"
#include "cgroup_internal.h"

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
    return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

/* Registers: r1 the context, r2 device type, r3 access bits, r4 major, r5 minor. */
static size_t prologue(struct bpf_insn *p)
{
    size_t k = 0;

    p[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0);
    p[k++] = insn(BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0xffff);
    p[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 0, 0);
    p[k++] = insn(BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 16);
    p[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0);
    p[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0);
    return k;
}

#define ACC_ALL (CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE)

/* An allow rule matches when every requested access is in it; a deny rule
 * when any is. */
static bool checks_access(const struct cg_device_rule *r)
{
    return (r->access & ACC_ALL) != ACC_ALL;
}

static size_t block_len(const struct cg_device_rule *r)
{
    return (r->type != 'a') + 3 * checks_access(r) + (r->major >= 0) + (r->minor >= 0) + 2;
}

/* Emits one rule: each test jumps past the block when it fails. */
static size_t emit_rule(const struct cg_device_rule *r, struct bpf_insn *p)
{
    size_t len = block_len(r), k = 0;
#define SKIP ((int16_t)(len - k - 1))

    if (r->type != 'a') {
        p[k] = insn(BPF_JMP | BPF_JNE | BPF_K, 2, 0, SKIP,
                    r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
        k++;
    }
    if (checks_access(r)) {
        p[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, 0, 3, 0, 0);
        if (r->allow) {
            p[k++] = insn(BPF_ALU64 | BPF_AND | BPF_K, 0, 0, 0, (int32_t)(~r->access & ACC_ALL));
            p[k] = insn(BPF_JMP | BPF_JNE | BPF_K, 0, 0, SKIP, 0);
        } else {
            p[k++] = insn(BPF_ALU64 | BPF_AND | BPF_K, 0, 0, 0, (int32_t)r->access);
            p[k] = insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, SKIP, 0);
        }
        k++;
    }
    if (r->major >= 0) {
        p[k] = insn(BPF_JMP | BPF_JNE | BPF_K, 4, 0, SKIP, (int32_t)r->major);
        k++;
    }
    if (r->minor >= 0) {
        p[k] = insn(BPF_JMP | BPF_JNE | BPF_K, 5, 0, SKIP, (int32_t)r->minor);
        k++;
    }
#undef SKIP
    p[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, r->allow ? 1 : 0);
    p[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    return k;
}

static bool matches_everything(const struct cg_device_rule *r)
{
    return block_len(r) == 2;
}

struct bpf_insn *cg_bpf_device_program(const struct cg_device_rule *rules, size_t nrules,
                                       size_t *n, keel_err *err)
{
    size_t cap = 6 + 2, k;
    size_t first = 0; /* rules before the last catch-all can never decide */
    struct bpf_insn *p;

    for (size_t i = 0; i < nrules; i++) {
        if (rules[i].major > INT32_MAX || rules[i].minor > INT32_MAX)
            return keel_error(err, EINVAL, "device rule %zu: number out of range", i), NULL;
        if (matches_everything(&rules[i]))
            first = i;
    }
    for (size_t i = first; i < nrules; i++)
        cap += block_len(&rules[i]);
    p = calloc(cap, sizeof *p);
    if (p == NULL)
        return keel_syserror(err, "device program"), NULL;
    k = prologue(p);
    for (size_t i = nrules; i-- > first;)
        k += emit_rule(&rules[i], p + k);
    /* the verifier refuses unreachable code: no default after a catch-all */
    if (nrules == 0 || !matches_everything(&rules[first])) {
        p[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
        p[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }
    *n = k;
    return p;
}

static int bpf(int cmd, union bpf_attr *attr)
{
    return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static int load(const struct bpf_insn *prog, size_t n, keel_err *err)
{
    char log[8192];
    union bpf_attr attr;
    int fd;

    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uintptr_t)prog;
    attr.insn_cnt = (uint32_t)n;
    attr.license = (uintptr_t)"Apache";
    attr.log_buf = (uintptr_t)log;
    attr.log_size = sizeof log;
    attr.log_level = 1;
    log[0] = '\0';
    fd = bpf(BPF_PROG_LOAD, &attr);
    if (fd < 0)
        return keel_syserror(err, "load the device eBPF program (%s)", log);
    return fd;
}

/* The programs attached to the cgroup now, by id. */
static int attached(int cgroup_fd, uint32_t *ids, uint32_t *n, keel_err *err)
{
    union bpf_attr attr;

    memset(&attr, 0, sizeof attr);
    attr.query.target_fd = (uint32_t)cgroup_fd;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = (uintptr_t)ids;
    attr.query.prog_cnt = *n;
    if (bpf(BPF_PROG_QUERY, &attr) < 0)
        return keel_syserror(err, "query the cgroup's device programs");
    *n = attr.query.prog_cnt;
    return 0;
}

static int detach(int cgroup_fd, uint32_t id, keel_err *err)
{
    union bpf_attr attr;
    cleanup_close int fd = -1;

    memset(&attr, 0, sizeof attr);
    attr.prog_id = id;
    fd = bpf(BPF_PROG_GET_FD_BY_ID, &attr);
    if (fd < 0)
        return errno == ENOENT ? 0 : keel_syserror(err, "get device program %u", id);
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)cgroup_fd;
    attr.attach_bpf_fd = (uint32_t)fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    if (bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
        return keel_syserror(err, "detach device program %u", id);
    return 0;
}

int cg_bpf_attach_devices(const struct cg_dir *d, const struct cg_device_rule *rules,
                          size_t nrules, keel_err *err)
{
    cleanup_free struct bpf_insn *prog = NULL;
    cleanup_close int fd = -1;
    uint32_t old[64];
    uint32_t nold = 64;
    union bpf_attr attr;
    size_t n;

    prog = cg_bpf_device_program(rules, nrules, &n, err);
    if (prog == NULL)
        return -1;
    if (attached(d->fd, old, &nold, err) < 0)
        return keel_error_wrap(err, "%s", d->path);
    fd = load(prog, n, err);
    if (fd < 0)
        return -1;
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t)d->fd;
    attr.attach_bpf_fd = (uint32_t)fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, &attr) < 0)
        return keel_syserror(err, "attach the device eBPF program to %s", d->path);
    /* only now that the new filter holds can the old ones go */
    for (uint32_t i = 0; i < nold; i++) {
        if (detach(d->fd, old[i], err) < 0)
            return keel_error_wrap(err, "%s", d->path);
    }
    return 0;
}
