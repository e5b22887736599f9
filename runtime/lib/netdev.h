/* linux.netDevices (config-linux.md "Network Devices"): host interfaces
 * moved by keel into the container's network namespace. */
#ifndef KEEL_NETDEV_H
#define KEEL_NETDEV_H

#include <sys/types.h>

#include "keel/error.h"
#include "keel/runtime_spec.h"

/* Moves every linux.netDevices entry from keel's network namespace into
 * pid's, renamed to its `name` (a "%d" template lets the kernel pick), with
 * its permanent global addresses carried over, and sets it up. Each device
 * is checked (present here, its name free there) before any moves. As the
 * spec says, nothing moves them back: the namespace's end returns physical
 * devices to the host and destroys virtual ones. */
int netdev_move_all(const struct oci_config *cfg, pid_t pid, keel_err *err);

#endif
