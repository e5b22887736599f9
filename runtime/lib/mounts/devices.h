/* /dev in the container: the default devices and links (config-linux.md
 * "Default Devices"), linux.devices, and /dev/console for a terminal. */
#ifndef KEEL_DEVICES_H
#define KEEL_DEVICES_H

#include <stdbool.h>

#include "keel/runtime_spec.h"

/* Creates the devices inside rootfd. With defaults, the default devices
 * (null zero full random urandom tty, unless linux.devices names the same
 * path), /dev/ptmx -> pts/ptmx, /dev/fd and the std* links. Then every
 * linux.devices entry: mknod with its mode and owner, or in a user namespace
 * (in_userns) a bind mount of the host's node of the same path. console_path,
 * when non-NULL, is bound on /dev/console. */
int devices_setup(int rootfd, const struct oci_linux *linux_cfg, bool defaults, bool in_userns,
                  const char *console_path, keel_err *err);

#endif
