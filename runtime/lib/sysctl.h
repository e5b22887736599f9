/* linux.sysctl: kernel parameters written under /proc/sys, only those that
 * belong to a namespace the container has its own of. */
#ifndef KEEL_SYSCTL_H
#define KEEL_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "keel/runtime_spec.h"

/* The namespace type ("ipc", "network", "uts") a sysctl key belongs to, or
 * NULL when it is not namespaced (the host's, never writable from a container). */
const char *sysctl_namespace(const char *key);

/* The path under /proc/sys for key ("net.ipv4.ip_forward" -> "net/ipv4/ip_forward",
 * a key already written with '/' stays). Fails with EINVAL on empty, "." or
 * ".." components. */
int sysctl_path(const char *key, char *buf, size_t size, keel_err *err);

/* Refuses a key outside the container's own namespaces, and kernel.hostname. */
int sysctl_check(const struct oci_linux *l, keel_err *err);

/* sysctl_check, then writes each value.
 * Runs in the container after pivot_root, with its /proc mounted. */
int sysctl_apply(const struct oci_linux *l, keel_err *err);

#endif
