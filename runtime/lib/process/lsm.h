/* Linux security modules: process.apparmorProfile and process.selinuxLabel put on
 * the program at its execve, and refused on a host without that module, as runc does. */
#ifndef KEEL_LSM_H
#define KEEL_LSM_H

#include <stdbool.h>

#include "keel/error.h"
#include "keel/runtime_spec.h"

/* Whether AppArmor is enabled (its securityfs directory and the module's enabled=Y). */
bool lsm_apparmor_enabled(void);
/* Whether SELinux is on (its file system mounted at /sys/fs/selinux). */
bool lsm_selinux_enabled(void);

/* Refuses a profile or label the host cannot apply; `what` names the process in the
 * error ("process" for config.json's). */
int lsm_check(const struct oci_process *p, const char *what, keel_err *err);

/* Asks for the profile and label at the next execve (attr/exec of this thread). */
int lsm_apply(const struct oci_process *p, keel_err *err);

#endif
