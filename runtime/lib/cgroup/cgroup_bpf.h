/* The cgroup v2 device filter: an eBPF BPF_PROG_TYPE_CGROUP_DEVICE program
 * assembled by hand from the device rules. */
#ifndef KEEL_CGROUP_BPF_H
#define KEEL_CGROUP_BPF_H

#include <linux/bpf.h>
#include <stddef.h>

#include "cgroup_convert.h"

/* Builds the program: the last rule that matches a request decides, no match
 * denies (the v1 list's meaning when it starts from "deny all"). Returns a
 * malloc'd array of *n instructions. */
struct bpf_insn *cg_bpf_device_program(const struct cg_device_rule *rules, size_t nrules,
                                       size_t *n, keel_err *err);

#endif
